// What a message that travelled by e-mail adds to the thread: who really wrote it, its text
// with quoted history folded (the whole of it, or its HTML, one click away), and for an agent's
// reply where its delivery stands, with a retry when it failed.
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useEffect, useRef, useState } from 'react';
import { downloadAttachment, fetchAttachment } from '../attachments/upload.ts';
import { queryKeys } from '../api/queryKeys.ts';
import type { Attachment, Message } from '../api/types.ts';
import { useSession } from '../app/context.tsx';
import { formatFull } from '../components/format.ts';
import { messageOf } from '../components/formErrors.ts';
import { Icon } from '../components/Icon.tsx';
import { toast } from '../components/toast.tsx';
import './mail.css';

/** The sender of an incoming mail as its From header names them (a colleague in Cc, not only the contact). */
export function mailAuthor(message: Message): string | null {
  if (message.email?.direction !== 'inbound' || !message.email.from) return null;
  return message.email.from.name || message.email.from.address;
}

/**
 * The files to list under a message: not the raw original of a mail ("Show original" offers it)
 * nor the images its HTML shows in place.
 */
export function shownAttachments(message: Message): Attachment[] {
  const original = message.email?.originalAttachmentId;
  return (message.attachments ?? []).filter((a) => a.id !== original && !(message.bodyHtml?.includes(`data-attachment-id="${a.id}"`) ?? false));
}

/** The small tags beside the author: by e-mail, automatic. */
export function MailTags({ message }: { message: Message }) {
  const email = message.email;
  if (!email) return null;
  const who = email.direction === 'inbound' ? email.from?.address : email.to.map((t) => t.address).join(', ');
  return (
    <>
      <span className="msg-tag mail-tag" title={`${email.direction === 'inbound' ? 'From' : 'To'} ${who ?? ''} · ${email.subject}`}>
        <Icon name="mail" size={11} /> E-mail
      </span>
      {email.automatic ? (
        <span className="msg-tag mail-auto-tag" title={`${email.automatic}: opens no ticket and is never answered`}>
          Automatic
        </span>
      ) : null}
    </>
  );
}

/**
 * The sanitised HTML of a mail, with its inline images fetched with the session's key (an <img>
 * cannot send it) and shown from blob URLs.
 */
function MailHtml({ message }: { message: Message }) {
  const { api } = useSession();
  const ref = useRef<HTMLDivElement>(null);
  // The server points inline images at their attachment; the key-less request is not made.
  const html = (message.bodyHtml ?? '').replace(/ src="\/api\/v1\/attachments\/[^"]*"/g, '');
  useEffect(() => {
    const urls: string[] = [];
    let live = true;
    for (const img of ref.current?.querySelectorAll<HTMLImageElement>('img[data-attachment-id]') ?? []) {
      const attachment = message.attachments?.find((a) => a.id === img.dataset.attachmentId);
      if (!attachment) continue;
      void fetchAttachment(api, attachment).then(
        (blob) => {
          if (!live) return;
          const url = URL.createObjectURL(blob);
          urls.push(url);
          img.src = url;
        },
        () => undefined, // the alt text stays
      );
    }
    return () => {
      live = false;
      for (const url of urls) URL.revokeObjectURL(url);
    };
  }, [api, html, message.attachments]);
  // Sanitised on the server (no scripts, handlers, frames, forms or remote images) before it
  // was stored; the page's Content-Security-Policy refuses inline script besides.
  return <div ref={ref} className="msg-body mail-html" dangerouslySetInnerHTML={{ __html: html }} />;
}

/** The text as the sender wrote it this time; the quoted part or the formatted original on request. */
export function MailBody({ message }: { message: Message }) {
  const { api } = useSession();
  const [full, setFull] = useState(false);
  const more = message.bodyHtml !== null || message.bodyFull !== null;
  const original = message.attachments?.find((a) => a.id === message.email?.originalAttachmentId);
  return (
    <>
      {full && message.bodyHtml !== null ? <MailHtml message={message} /> : <div className="msg-body">{full ? (message.bodyFull ?? message.body) : message.body}</div>}
      {more || original ? (
        <div className="mail-actions">
          {more ? (
            <button type="button" className="link mail-more" aria-expanded={full} onClick={() => setFull(!full)}>
              {full ? 'Show less' : message.bodyHtml !== null ? 'Show the whole message' : 'Show quoted text'}
            </button>
          ) : null}
          {original ? (
            <button
              type="button"
              className="link mail-more"
              onClick={() => void downloadAttachment(api, original).catch((err: Error) => toast(`Could not download the original: ${err.message}`, 'error'))}
            >
              Show original
            </button>
          ) : null}
        </div>
      ) : null}
    </>
  );
}

const labels = { queued: 'Queued', sent: 'Sent', failed: 'Not delivered', suppressed: 'Held back' } as const;

/** Where an e-mailed reply stands: queued (retrying), sent, not delivered (why, and retry) or held back. */
export function DeliveryState({ message }: { message: Message }) {
  const { api } = useSession();
  const queryClient = useQueryClient();
  const retry = useMutation({
    mutationFn: async () => (await api.post<Message>(`/tickets/${message.ticketId}/messages/${message.id}/retry-delivery`)).data,
    onSuccess: () => toast('Sending again', 'success'),
    onError: (err) => toast(messageOf(err), 'error'),
    onSettled: () => void queryClient.invalidateQueries({ queryKey: queryKeys.tickets.detail(message.ticketId ?? '') }),
  });
  const d = message.delivery;
  if (!d) return null;
  const title =
    d.status === 'sent' && d.sentAt
      ? `Accepted by the mail server for ${d.to} at ${formatFull(d.sentAt)}`
      : d.status === 'queued'
        ? d.error
          ? `Retrying (${d.attempts} attempts so far): ${d.error}`
          : `Waiting to be sent to ${d.to}`
        : (d.error ?? undefined);
  return (
    <div className={`mail-delivery ${d.status}`}>
      <span className="mail-delivery-state" title={title} aria-label={`Delivery: ${labels[d.status]}`}>
        <Icon name={d.status === 'sent' ? 'check' : d.status === 'queued' ? 'clock' : 'warning'} size={13} /> {labels[d.status]}
        {d.status === 'queued' && d.attempts > 0 ? ` (retrying, ${d.attempts} ${d.attempts === 1 ? 'attempt' : 'attempts'})` : ''}
        {d.status === 'sent' ? <span className="muted"> to {d.to}</span> : null}
      </span>
      {d.status === 'failed' || d.status === 'suppressed' ? (
        <>
          <span className="mail-delivery-error">{d.error}</span>
          <button type="button" className="ui-btn-small" disabled={retry.isPending} onClick={() => retry.mutate()}>
            {d.status === 'failed' ? 'Retry' : 'Send anyway'}
          </button>
        </>
      ) : null}
    </div>
  );
}
