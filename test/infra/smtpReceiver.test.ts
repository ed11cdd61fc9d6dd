// The SMTP receiver against nodemailer, the client the product will send replies with.
import nodemailer from 'nodemailer';
import { afterEach, describe, expect, test } from 'vitest';
import { type SmtpReceiver, startSmtpReceiver } from '../helpers/smtpReceiver.ts';

const receivers: SmtpReceiver[] = [];
async function receiver(...args: Parameters<typeof startSmtpReceiver>): Promise<SmtpReceiver> {
  const r = await startSmtpReceiver(...args);
  receivers.push(r);
  return r;
}

afterEach(async () => {
  await Promise.all(receivers.splice(0).map((r) => r.stop()));
});

interface SmtpFailure {
  responseCode?: number;
  message: string;
}

async function sendFailure(promise: Promise<unknown>): Promise<SmtpFailure> {
  try {
    await promise;
  } catch (error) {
    return error as SmtpFailure;
  }
  throw new Error('expected the send to fail');
}

const mail = (subject: string) => ({
  from: '"Acme Support" <support@example.test>',
  to: 'Jane Customer <jane@example.com>',
  cc: 'boss@example.com',
  subject,
  text: 'Grüße aus dem Support — your ticket is resolved.',
  messageId: `<reply-${subject.length}@example.test>`,
  headers: { 'In-Reply-To': '<question-1@example.com>' },
});

describe('startSmtpReceiver', () => {
  test('receives what nodemailer sends without AUTH: envelope, raw bytes and parsed headers', async () => {
    const smtp = await receiver();
    const transport = nodemailer.createTransport(smtp.transportOptions());
    const info = await transport.sendMail(mail('Re: Ünïcode sübject'));
    expect(info.accepted).toEqual(['jane@example.com', 'boss@example.com']);

    const got = await smtp.waitFor((m) => m.parsed.subject === 'Re: Ünïcode sübject');
    expect(got.from).toBe('support@example.test');
    expect(got.to).toEqual(['jane@example.com', 'boss@example.com']);
    expect(got.authUser).toBeNull();
    expect(got.raw.toString('latin1')).toContain('\r\nSubject: =?UTF-8?');
    expect(got.raw.includes('\r\n')).toBe(true);
    expect(got.parsed.messageId).toBe(`<reply-${'Re: Ünïcode sübject'.length}@example.test>`);
    expect(got.parsed.inReplyTo).toBe('<question-1@example.com>');
    expect(got.parsed.text?.trim()).toBe('Grüße aus dem Support — your ticket is resolved.');
    transport.close();
  });

  test('with AUTH: right credentials are recorded, wrong ones and none are refused', async () => {
    const smtp = await receiver({ auth: { user: 'mailer', password: 's3cret' } });
    const good = nodemailer.createTransport(smtp.transportOptions());
    await good.sendMail(mail('Authenticated'));
    expect((await smtp.waitFor()).authUser).toBe('mailer');
    good.close();

    const wrong = nodemailer.createTransport({ ...smtp.transportOptions(), auth: { user: 'mailer', pass: 'nope' } });
    expect((await sendFailure(wrong.sendMail(mail('Wrong password')))).responseCode).toBe(535);
    wrong.close();

    const anonymous = smtp.transportOptions();
    delete anonymous.auth;
    const none = nodemailer.createTransport(anonymous);
    expect((await sendFailure(none.sendMail(mail('No auth')))).responseCode).toBe(530);
    none.close();

    expect(smtp.messages.map((m) => m.parsed.subject)).toEqual(['Authenticated']);
  });

  test('refusing gives temporary errors (421 at connect by default) and nothing is kept; then it accepts', async () => {
    const smtp = await receiver();
    const transport = nodemailer.createTransport(smtp.transportOptions());

    smtp.setRefusing(true);
    const atConnect = await sendFailure(transport.sendMail(mail('While refusing')));
    expect(atConnect.responseCode).toBe(421);

    smtp.setRefusing({ stage: 'data' });
    const atData = await sendFailure(transport.sendMail(mail('Refused after DATA')));
    expect(atData.responseCode).toBe(451);

    smtp.setRefusing({ stage: 'rcpt', code: 450 });
    expect((await sendFailure(transport.sendMail(mail('Refused at RCPT')))).responseCode).toBe(450);

    expect(smtp.messages).toEqual([]);
    expect(smtp.refusedCount()).toBeGreaterThanOrEqual(3);

    smtp.setRefusing(false);
    await transport.sendMail(mail('Accepted again'));
    expect((await smtp.waitFor()).parsed.subject).toBe('Accepted again');
    transport.close();
  });

  test('waitFor() waits for a later message, and times out listing what arrived', async () => {
    const smtp = await receiver();
    const transport = nodemailer.createTransport(smtp.transportOptions());
    const later = smtp.waitFor((m) => m.parsed.subject === 'Second', 10_000);
    await transport.sendMail(mail('First'));
    await transport.sendMail(mail('Second'));
    expect((await later).parsed.subject).toBe('Second');

    await expect(smtp.waitFor((m) => m.parsed.subject === 'Never', 200)).rejects.toThrow(
      /no matching message within 200 ms; received: "First", "Second"/,
    );
    smtp.clear();
    expect(smtp.messages).toEqual([]);
    transport.close();
  });

  test('stop() closes the port', async () => {
    const smtp = await receiver();
    await smtp.stop();
    const transport = nodemailer.createTransport({ ...smtp.transportOptions(), connectionTimeout: 2000 });
    const failure = await sendFailure(transport.sendMail(mail('After stop')));
    expect(failure.message).toMatch(/ECONNREFUSED|connect/i);
  });
});
