// What a message that travelled by e-mail adds to the thread: who really wrote it, its text
// with quoted history folded (the whole of it, or its HTML, one click away), and for an agent's
// reply where its delivery stands, with a retry when it failed.
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { queryKeys } from '../api/queryKeys.ts';
import type { Message } from '../api/types.ts';
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

/** The text as the sender wrote it this time; the quoted part or the formatted original on request. */
export function MailBody({ message }: { message: Message }) {
  const [full, setFull] = useState(false);
  const more = message.bodyHtml !== null || message.bodyFull !== null;
  return (
    <>
      {full && message.bodyHtml !== null ? (
        // Sanitised on the server (no scripts, handlers, frames, forms or remote images) before it
        // was stored; the page's Content-Security-Policy refuses inline script besides.
        <div className="msg-body mail-html" dangerouslySetInnerHTML={{ __html: message.bodyHtml }} />
      ) : (
        <div className="msg-body">{full ? (message.bodyFull ?? message.body) : message.body}</div>
      )}
      {more ? (
        <button type="button" className="link mail-more" aria-expanded={full} onClick={() => setFull(!full)}>
          {full ? 'Show less' : message.bodyHtml !== null ? 'Show the whole message' : 'Show quoted text'}
        </button>
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
