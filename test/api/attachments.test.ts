import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildKey, buildTicket, buildUser } from '../helpers/factories.ts';
import { type TestServer, startTestServer } from '../helpers/server.ts';
import {
  type AttachmentData,
  sha256,
  storedBytes,
  storedContents,
  tinyPng,
  uploadChunked,
  uploadMultipart,
  uploadRaw,
} from '../helpers/attachments.ts';

let s: TestServer;
const limitMb = 1;

beforeAll(async () => {
  s = await startTestServer({
    config: { maxAttachmentBytes: limitMb * 1024 * 1024, maxMessageAttachmentBytes: 2 * limitMb * 1024 * 1024 },
  });
});
afterAll(() => s.close());

async function content(id: string, key = s.adminKey, headers: Record<string, string> = {}) {
  const res = await fetch(`${s.url}/api/v1/attachments/${id}/content`, { headers: { 'X-API-Key': key, ...headers } });
  return { res, bytes: Buffer.from(await res.arrayBuffer()) };
}

describe('POST /api/v1/attachments', () => {
  it('stores a raw body under its hash and describes it', async () => {
    const data = Buffer.from('The printer log, line 1\nline 2\n');
    const res = await uploadRaw(s.url, s.adminKey, data, { name: 'printer.log', type: 'text/plain; charset=utf-8' });
    expect(res.status).toBe(201);
    const att = res.body.data;
    expect(att).toEqual({
      id: expect.stringMatching(/^att_[0-9A-Z]{26}$/),
      name: 'printer.log',
      size: data.length,
      contentType: 'text/plain',
      sha256: sha256(data),
      createdAt: s.clock.now().toISOString(),
    });
    expect(await storedBytes(s, att.sha256)).toEqual(data);

    const meta = await s.api.get<AttachmentData>(`/attachments/${att.id}`);
    expect(meta.status).toBe(200);
    expect(meta.body.data).toEqual(att);
    const got = await content(att.id);
    expect(got.res.status).toBe(200);
    expect(got.bytes).toEqual(data);
    expect(got.res.headers.get('content-type')).toBe('text/plain');
    expect(got.res.headers.get('content-length')).toBe(String(data.length));
  });

  it('takes a multipart/form-data file part, as a browser form sends it', async () => {
    const res = await uploadMultipart(s.url, s.adminKey, tinyPng, 'screenshot.png', 'image/png');
    expect(res.status).toBe(201);
    expect(res.body.data).toMatchObject({ name: 'screenshot.png', size: tinyPng.length, contentType: 'image/png', sha256: sha256(tinyPng) });
    expect((await content(res.body.data.id)).bytes).toEqual(tinyPng);
  });

  it('stores identical content once', async () => {
    const data = Buffer.from(`same bytes ${Date.now()}`);
    const a = await uploadRaw(s.url, s.adminKey, data, { name: 'a.txt' });
    const b = await uploadMultipart(s.url, s.adminKey, data, 'b.txt');
    expect(a.body.data.id).not.toBe(b.body.data.id);
    expect(a.body.data.sha256).toBe(b.body.data.sha256);
    expect((await storedContents(s)).files.filter((f) => f === sha256(data))).toHaveLength(1);
  });

  it('needs a name for a raw body and a file part for multipart', async () => {
    const raw = await uploadRaw(s.url, s.adminKey, 'x', { name: null });
    expect(raw.status).toBe(400);
    expect(raw.body.error?.details?.errors).toEqual([{ path: 'name', message: expect.stringContaining('required') }]);
    const wrongField = await uploadMultipart(s.url, s.adminKey, 'x', 'x.txt', 'text/plain', 'upload');
    expect(wrongField.status).toBe(400);
    expect(wrongField.body.error?.message).toContain('"file"');
  });

  it('needs a write scope to upload', async () => {
    const { key } = await buildKey(s.api, ['tickets:read']);
    const res = await uploadRaw(s.url, key, 'x', { name: 'x.txt' });
    expect(res.status).toBe(403);
    expect(res.body.error?.details).toMatchObject({ required: 'tickets:write' });
    const { key: convWriter } = await buildKey(s.api, ['conversations:write']);
    expect((await uploadRaw(s.url, convWriter, 'x', { name: 'x.txt' })).status).toBe(201);
  });
});

describe('upload limits', () => {
  const limitBytes = limitMb * 1024 * 1024;

  it('answers 413 before reading a body whose declared length is over the limit, keeping nothing', async () => {
    const before = await storedContents(s);
    const res = await uploadRaw(s.url, s.adminKey, Buffer.alloc(limitBytes + 1, 1), { name: 'big.bin' });
    expect(res.status).toBe(413);
    expect(res.body.error).toMatchObject({ code: 'PAYLOAD_TOO_LARGE', details: { limitBytes } });
    expect(res.body.error?.message).toContain('1 MB');
    expect(await storedContents(s)).toEqual(before);
  });

  it('stops a streamed body at the limit with 413 and deletes the partial file', async () => {
    const before = await storedContents(s);
    const res = await uploadChunked(s.url, s.adminKey, 64, 64 * 1024); // 4 MB, no Content-Length
    expect(res.status).toBe(413);
    expect(JSON.parse(res.body)).toMatchObject({ error: { code: 'PAYLOAD_TOO_LARGE', details: { limitBytes } } });
    expect(await storedContents(s)).toEqual(before);
    // The server is still fine for the next request.
    expect((await uploadRaw(s.url, s.adminKey, 'after', { name: 'after.txt' })).status).toBe(201);
  });

  it('accepts a file of exactly the limit, streamed', async () => {
    const res = await uploadChunked(s.url, s.adminKey, 16, limitBytes / 16, 'exact.bin');
    expect(res.status).toBe(201);
    expect(JSON.parse(res.body).data.size).toBe(limitBytes);
  });

  it('applies the limit to a multipart file too', async () => {
    const before = await storedContents(s);
    const res = await uploadMultipart(s.url, s.adminKey, Buffer.alloc(limitBytes + 10, 2), 'big.bin');
    expect(res.status).toBe(413);
    expect(await storedContents(s)).toEqual(before);
  });
});

describe('hostile file names', () => {
  const cases: [string, string][] = [
    ['../../etc/passwd', '.._.._etc_passwd'],
    ['..\\..\\windows\\win.ini', '.._.._windows_win.ini'],
    ['report\u0000.pdf', 'report.pdf'],
    ['invoice\u202Efdp.exe', 'invoicefdp.exe'],
    ['..', 'attachment'],
    ['line\r\nSet-Cookie: x=1', 'lineSet-Cookie: x=1'],
  ];

  it.each(cases)('stores %j as %j and serves it under that name, from its hash', async (raw, clean) => {
    const data = Buffer.from(`content of ${JSON.stringify(raw)}`);
    const res = await uploadRaw(s.url, s.adminKey, data, { name: raw, type: 'application/octet-stream' });
    expect(res.status).toBe(201);
    expect(res.body.data.name).toBe(clean);
    const got = await content(res.body.data.id);
    expect(got.bytes).toEqual(data);
    const disposition = got.res.headers.get('content-disposition') ?? '';
    expect(disposition.startsWith('attachment;')).toBe(true);
    // eslint-disable-next-line no-control-regex -- NUL, CR and LF are what must not get through
    expect(disposition).not.toMatch(/[/\\\u0000\r\n]/);
    expect(got.res.headers.get('set-cookie')).toBeNull();
    // Only hash-named files exist in the store; nothing was written outside it.
    expect((await storedContents(s)).files.every((f) => /^[0-9a-f]{64}$/.test(f))).toBe(true);
  });

  it('cuts a very long name to 255 characters, keeping the extension', async () => {
    // 1,000 characters in the query (6 KB encoded: Node refuses request lines past 16 KB), 5,000 in a multipart part.
    const raw = await uploadRaw(s.url, s.adminKey, 'x', { name: `${'é'.repeat(1000)}.txt` });
    const multipart = await uploadMultipart(s.url, s.adminKey, 'y', `${'é'.repeat(5000)}.txt`);
    for (const res of [raw, multipart]) {
      expect(res.status).toBe(201);
      expect([...res.body.data.name]).toHaveLength(255);
      expect(res.body.data.name.endsWith('.txt')).toBe(true);
      const disposition = (await content(res.body.data.id)).res.headers.get('content-disposition') ?? '';
      // RFC 6266: an ASCII fallback, and the real name in UTF-8.
      expect(disposition).toMatch(/^attachment; filename="_+\.txt"; filename\*=UTF-8''(%C3%A9)+\.txt$/);
    }
  });
});

describe('GET /api/v1/attachments/:id/content', () => {
  it('serves HTML and SVG as downloads that cannot run', async () => {
    const html = await uploadRaw(s.url, s.adminKey, '<html><script>alert(1)</script></html>', { name: 'page.html', type: 'text/html' });
    const svg = await uploadRaw(
      s.url,
      s.adminKey,
      '<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>',
      { name: 'logo.svg', type: 'image/svg+xml' },
    );
    for (const [att, type] of [[html.body.data, 'text/html'], [svg.body.data, 'image/svg+xml']] as const) {
      const { res } = await content(att.id);
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toBe(type);
      expect(res.headers.get('content-disposition')).toMatch(/^attachment; filename="/);
      expect(res.headers.get('x-content-type-options')).toBe('nosniff');
      expect(res.headers.get('content-security-policy')).toBe("sandbox; default-src 'none'");
    }
  });

  it('shows a real PNG inline, and as a download on ?download=1', async () => {
    const png = (await uploadRaw(s.url, s.adminKey, tinyPng, { name: 'shot.png', type: 'image/png' })).body.data;
    expect((await content(png.id)).res.headers.get('content-disposition')).toBe('inline; filename="shot.png"');
    const res = await fetch(`${s.url}/api/v1/attachments/${png.id}/content?download=1`, { headers: { 'X-API-Key': s.adminKey } });
    expect(res.headers.get('content-disposition')).toBe('attachment; filename="shot.png"');
  });

  it('serves the type the bytes show when it disagrees with the declared one', async () => {
    // HTML that claims to be a PNG is not an image: never inline, served as declared but nosniff.
    const fake = (await uploadRaw(s.url, s.adminKey, '<html><body>hi</body></html>', { name: 'x.png', type: 'image/png' })).body.data;
    const fakeRes = (await content(fake.id)).res;
    expect(fakeRes.headers.get('content-disposition')).toMatch(/^attachment;/);
    // A PNG declared as HTML is served as the image it is.
    const real = (await uploadRaw(s.url, s.adminKey, tinyPng, { name: 'y.html', type: 'text/html' })).body.data;
    expect(real.contentType).toBe('image/png');
    const realRes = (await content(real.id)).res;
    expect(realRes.headers.get('content-type')).toBe('image/png');
  });

  it('answers If-None-Match with 304 and a byte range with 206', async () => {
    const data = Buffer.from('0123456789abcdef');
    const att = (await uploadRaw(s.url, s.adminKey, data, { name: 'digits.txt', type: 'text/plain' })).body.data;
    const first = await content(att.id);
    expect(first.res.headers.get('etag')).toBe(`"${att.sha256}"`);
    expect((await content(att.id, s.adminKey, { 'If-None-Match': `"${att.sha256}"` })).res.status).toBe(304);
    const part = await content(att.id, s.adminKey, { Range: 'bytes=4-7' });
    expect(part.res.status).toBe(206);
    expect(part.res.headers.get('content-range')).toBe('bytes 4-7/16');
    expect(part.bytes.toString()).toBe('4567');
    const tail = await content(att.id, s.adminKey, { Range: 'bytes=-3' });
    expect(tail.bytes.toString()).toBe('def');
  });

  it('is 404 for an unknown or malformed id', async () => {
    expect((await content('att_01ARZ3NDEKTSV4RRFFQ69G5FAV')).res.status).toBe(404);
    expect((await content('../../etc/passwd')).res.status).toBe(404);
  });
});

describe('attachments on messages', () => {
  async function upload(data: string, key = s.adminKey): Promise<AttachmentData> {
    const res = await uploadRaw(s.url, key, data, { name: `${data}.txt`, type: 'text/plain' });
    if (res.status !== 201) throw new Error(JSON.stringify(res.body));
    return res.body.data;
  }

  it('puts uploads on a reply, in order, and shows them in the thread and the event', async () => {
    const ticket = await buildTicket(s.api);
    const [a, b] = [await upload('first'), await upload('second')];
    const res = await s.api.post<{ id: string; attachments: AttachmentData[] }>(`/tickets/${ticket.id}/messages`, {
      body: 'Logs attached',
      attachments: [b.id, a.id],
    });
    expect(res.status).toBe(201);
    expect(res.body.data.attachments).toEqual([b, a]);
    const thread = await s.api.get<{ messages: { id: string; attachments: AttachmentData[] }[] }>(`/tickets/${ticket.id}`);
    expect(thread.body.data.messages.map((m) => m.attachments)).toEqual([[], [b, a]]);
    const page = await s.api.get<{ attachments: AttachmentData[] }[]>(`/tickets/${ticket.id}/messages`);
    expect(page.body.data[1]?.attachments).toEqual([b, a]);
    const events = await s.api.get<{ type: string; data: { message: { attachments: AttachmentData[] } } }[]>(
      `/events?type=message.created&resourceId=${res.body.data.id}`,
    );
    expect(events.body.data[0]?.data.message.attachments).toEqual([b, a]);
  });

  it('takes attachments on a new ticket and on conversation messages, and keeps them through conversion', async () => {
    const a = await upload('ticket-first');
    const created = await s.api.post<{ id: string }>('/tickets', {
      subject: 'With a file',
      description: 'See attached',
      contactEmail: 'files@example.com',
      attachments: [a.id],
    });
    expect(created.status).toBe(201);
    const ticket = await s.api.get<{ messages: { attachments: AttachmentData[] }[] }>(`/tickets/${created.body.data.id}`);
    expect(ticket.body.data.messages[0]?.attachments).toEqual([a]);

    const [c1, c2] = [await upload('conv-first'), await upload('conv-reply')];
    const conv = await s.api.post<{ id: string }>('/conversations', {
      channel: 'email',
      participantEmail: 'mailer@example.com',
      subject: 'Invoice',
      body: 'Here it is',
      attachments: [c1.id],
    });
    expect(conv.status).toBe(201);
    expect((await s.api.post(`/conversations/${conv.body.data.id}/messages`, { body: 'and another', attachments: [c2.id] })).status).toBe(201);
    const converted = await s.api.post<{ id: string }>(`/conversations/${conv.body.data.id}/ticket`, {});
    expect(converted.status).toBe(201);
    const copy = await s.api.get<{ messages: { attachments: AttachmentData[] }[] }>(`/tickets/${converted.body.data.id}`);
    expect(copy.body.data.messages.map((m) => m.attachments)).toEqual([[c1], [c2]]);
    // Readable through the ticket alone, now that it is on a ticket's message too.
    const { key } = await buildKey(s.api, ['tickets:read']);
    expect((await content(c1.id, key)).res.status).toBe(200);
  });

  it('refuses an upload that is already on a message (409), unknown, or someone else\'s (400)', async () => {
    const ticket = await buildTicket(s.api);
    const a = await upload('once');
    expect((await s.api.post(`/tickets/${ticket.id}/messages`, { body: 'one', attachments: [a.id] })).status).toBe(201);
    const again = await s.api.post(`/tickets/${ticket.id}/messages`, { body: 'two', attachments: [a.id] });
    expect(again.status).toBe(409);
    expect(again.body.error?.details).toEqual({ attachmentId: a.id });

    const unknown = await s.api.post(`/tickets/${ticket.id}/messages`, { body: 'x', attachments: ['att_01ARZ3NDEKTSV4RRFFQ69G5FAV'] });
    expect(unknown.status).toBe(400);
    expect(unknown.body.error?.details?.errors?.[0]?.path).toBe('attachments.0');

    const other = await buildUser(s.api);
    const { key: otherKey } = await buildKey(s.api, ['tickets:write', 'tickets:read'], { userId: other.id });
    const theirs = await upload('theirs', otherKey);
    const { key: mine } = await buildKey(s.api, ['tickets:write']);
    const stolen = await s.api.post(`/tickets/${ticket.id}/messages`, { body: 'x', attachments: [theirs.id] }, { key: mine });
    expect(stolen.status).toBe(400);
    // Nothing of the failed messages was kept, and the upload is still free for its owner.
    const thread = await s.api.get<{ messages: unknown[] }>(`/tickets/${ticket.id}`);
    expect(thread.body.data.messages).toHaveLength(2);
    expect((await s.api.post(`/tickets/${ticket.id}/messages`, { body: 'mine', attachments: [theirs.id] }, { key: otherKey })).status).toBe(201);
  });

  it('limits the files of one message: 10 at most (400), and their size together (413)', async () => {
    const ticket = await buildTicket(s.api);
    const many = await Promise.all(Array.from({ length: 11 }, (_, i) => upload(`many-${i}`)));
    const tooMany = await s.api.post(`/tickets/${ticket.id}/messages`, { body: 'x', attachments: many.map((a) => a.id) });
    expect(tooMany.status).toBe(400);
    const dup = await s.api.post(`/tickets/${ticket.id}/messages`, { body: 'x', attachments: [many[0]?.id, many[0]?.id] });
    expect(dup.status).toBe(400);

    const big = Buffer.alloc(limitMb * 1024 * 1024 - 10, 3);
    const files = [];
    for (let i = 0; i < 3; i++) {
      big[0] = i; // three different contents, each just under the per-file limit
      files.push((await uploadRaw(s.url, s.adminKey, big, { name: `big-${i}.bin` })).body.data);
    }
    const res = await s.api.post(`/tickets/${ticket.id}/messages`, { body: 'x', attachments: files.map((f) => f.id) });
    expect(res.status).toBe(413);
    expect(res.body.error).toMatchObject({ code: 'PAYLOAD_TOO_LARGE', details: { limitBytes: 2 * limitMb * 1024 * 1024 } });
    expect((await s.api.post(`/tickets/${ticket.id}/messages`, { body: 'x', attachments: files.slice(0, 2).map((f) => f.id) })).status).toBe(201);
  });
});

describe('who may read an attachment', () => {
  it('needs the read scope of the ticket its message is on (403 without it)', async () => {
    const ticket = await buildTicket(s.api);
    const att = (await uploadRaw(s.url, s.adminKey, 'ticket secret', { name: 'secret.txt' })).body.data;
    await s.api.post(`/tickets/${ticket.id}/messages`, { body: 'x', attachments: [att.id] });

    const { key: convReader } = await buildKey(s.api, ['conversations:read', 'tickets:write']);
    for (const path of [`/attachments/${att.id}`, `/attachments/${att.id}/content`]) {
      const res = await s.api.get(path, { key: convReader });
      expect(res.status).toBe(403);
      expect(res.body.error).toMatchObject({ code: 'FORBIDDEN', details: { required: 'tickets:read' } });
    }
    const { key: ticketReader } = await buildKey(s.api, ['tickets:read']);
    expect((await content(att.id, ticketReader)).bytes.toString()).toBe('ticket secret');
  });

  it("needs conversations:read for a conversation's file", async () => {
    const att = (await uploadRaw(s.url, s.adminKey, 'conv secret', { name: 'c.txt' })).body.data;
    await s.api.post('/conversations', { channel: 'chat', participantEmail: 'c@example.com', subject: 's', body: 'b', attachments: [att.id] });
    const { key: ticketReader } = await buildKey(s.api, ['tickets:read']);
    expect((await s.api.get(`/attachments/${att.id}`, { key: ticketReader })).status).toBe(403);
    const { key: convReader } = await buildKey(s.api, ['conversations:read']);
    expect((await s.api.get(`/attachments/${att.id}`, { key: convReader })).status).toBe(200);
  });

  it('lets only its uploader (and admins) read an upload that is on no message yet', async () => {
    const owner = await buildUser(s.api);
    const { key: ownerKey } = await buildKey(s.api, ['tickets:write'], { userId: owner.id });
    const att = (await uploadRaw(s.url, ownerKey, 'draft', { name: 'draft.txt' })).body.data;
    expect((await content(att.id, ownerKey)).bytes.toString()).toBe('draft');
    const other = await buildUser(s.api);
    const { key: otherKey } = await buildKey(s.api, ['tickets:read', 'tickets:write'], { userId: other.id });
    expect((await s.api.get(`/attachments/${att.id}`, { key: otherKey })).status).toBe(404);
    expect((await s.api.get(`/attachments/${att.id}`)).status).toBe(200);
  });
});

describe('OpenAPI', () => {
  it('documents the upload as a raw or multipart body and the content as binary', async () => {
    const doc = await s.api.get<never>('/openapi.json');
    const paths = (doc.body as unknown as { paths: Record<string, Record<string, { requestBody?: { content: object }; responses: Record<string, { content?: object }> }>> }).paths;
    expect(Object.keys(paths['/api/v1/attachments']?.post?.requestBody?.content ?? {})).toEqual(['application/octet-stream', 'multipart/form-data']);
    expect(Object.keys(paths['/api/v1/attachments/{id}/content']?.get?.responses['200']?.content ?? {})).toEqual(['application/octet-stream']);
  });
});

describe('POST /api/v1/tickets/:id/apply-macro with attachments', () => {
  it('puts the files on the macro’s reply, in the same transaction as its actions', async () => {
    const t = await buildTicket(s.api);
    const macro = await s.api.post<{ id: string }>('/macros', { name: 'Send the guide', body: 'Here is the guide.', actions: { status: 'pending' } });
    const file = (await uploadRaw(s.url, s.adminKey, tinyPng, { name: 'guide.png', type: 'image/png' })).body.data;
    const res = await s.api.post<{ status: string }>(`/tickets/${t.id}/apply-macro`, { macroId: macro.body.data.id, attachments: [file.id] });
    expect(res.status).toBe(200);
    expect(res.body.data.status).toBe('pending');
    const thread = await s.api.get<{ messages: { body: string; attachments: { id: string }[] }[] }>(`/tickets/${t.id}`);
    expect(thread.body.data.messages.at(-1)).toMatchObject({ body: 'Here is the guide.', attachments: [{ id: file.id }] });

    // A file already on a message cannot go on another: nothing of the macro happens.
    const again = await s.api.post(`/tickets/${t.id}/apply-macro`, { macroId: macro.body.data.id, attachments: [file.id] });
    expect(again.status).toBe(409);
    const after = await s.api.get<{ messages: unknown[] }>(`/tickets/${t.id}`);
    expect(after.body.data.messages).toHaveLength(thread.body.data.messages.length);
  });
});
