import { useEffect, useRef, useState } from 'react';
import { Link } from 'wouter';
import { useUsers } from '../api/queries/users.ts';
import type { ConversationDetail, Message } from '../api/types.ts';
import { Avatar } from '../components/Avatar.tsx';
import { formatFull, timeAgo } from '../components/format.ts';
import { messageOf } from '../components/formErrors.ts';
import { Icon } from '../components/Icon.tsx';
import { ErrorState } from '../components/States.tsx';
import { toast } from '../components/toast.tsx';
import { ChannelBadge } from './channel.tsx';
import { ConvertDialog } from './ConvertDialog.tsx';
import { useConversation, useSendReply, useSetStatus } from '../api/queries/conversations.ts';
import { ReplyBox } from './ReplyBox.tsx';
import { usePermissions } from '../app/permissions.ts';
import { MessageAttachments } from '../attachments/MessageAttachments.tsx';
import { useNow } from '../components/clock.ts';

/** The right pane: one conversation's header, actions, messages and the reply box. */
export function ConversationThread({ id }: { id: string }) {
  const query = useConversation(id);
  if (query.isPending) return <ThreadSkeleton />;
  if (query.isError) return <ErrorState error={query.error} onRetry={() => void query.refetch()} />;
  return <Thread key={id} conversation={query.data} />;
}

function Thread({ conversation: c }: { conversation: ConversationDetail }) {
  const now = useNow();
  const [converting, setConverting] = useState(false);
  const { can, why } = usePermissions();
  const writable = can('conversations:write');
  const setStatus = useSetStatus(c);
  const send = useSendReply(c);
  const users = useUsers();
  const names = new Map((users.data ?? []).map((u) => [u.id, u.name]));
  const end = useRef<HTMLDivElement>(null);

  useEffect(() => {
    end.current?.scrollIntoView({ block: 'end' });
  }, [c.messages.length]);

  function toggleArchive() {
    const next = c.status === 'active' ? 'archived' : 'active';
    setStatus.mutate(next, {
      onSuccess: () => toast(next === 'archived' ? 'Conversation archived' : 'Conversation reactivated', 'success'),
      onError: (err) => toast(messageOf(err), 'error'),
    });
  }

  return (
    <article className="conv-thread" aria-labelledby="thread-title">
      <header className="conv-thread-head">
        <div className="conv-thread-title">
          <h2 id="thread-title">{c.subject}</h2>
          <p className="muted small">
            <ChannelBadge channel={c.channel} />
            <Link href={`/contacts/${c.contactId}`}>{c.participantEmail}</Link>
            <span aria-hidden="true">·</span>
            <span title={formatFull(c.createdAt)}>started {timeAgo(c.createdAt, now)}</span>
            {c.status === 'archived' ? <span className="ui-chip">Archived</span> : null}
          </p>
        </div>
        <div className="conv-thread-actions">
          <button type="button" onClick={toggleArchive} disabled={setStatus.isPending || !writable} title={writable ? undefined : why('conversations:write')}>
            <Icon name={c.status === 'active' ? 'archive' : 'undo'} />
            {c.status === 'active' ? 'Archive' : 'Reactivate'}
          </button>
          {c.ticketId ? (
            <Link href={`/tickets/${c.ticketId}`} className="conv-ticket-link">
              <Icon name="ticket" /> View ticket
            </Link>
          ) : (
            <button type="button" className="primary" disabled={!writable} title={writable ? undefined : why('conversations:write')} onClick={() => setConverting(true)}>
              <Icon name="ticket" /> Convert to ticket
            </button>
          )}
        </div>
      </header>
      {c.ticketId ? (
        <p className="conv-thread-note">
          <Icon name="ticket" size={14} /> Converted to ticket <Link href={`/tickets/${c.ticketId}`}>{c.ticketId}</Link>. Replies here stay in this
          conversation; follow up on the ticket.
        </p>
      ) : null}
      <div className="conv-thread-messages" role="log" aria-label="Messages">
        {c.messages.map((m) => (
          <MessageBubble key={m.id} message={m} participant={c.participantEmail} author={m.authorId ? names.get(m.authorId) : undefined} />
        ))}
        <div ref={end} />
      </div>
      {writable ? null : <p className="conv-thread-note">{why('conversations:write')}</p>}
      {writable ? <ReplyBox
        key={c.id}
        to={c.participantEmail}
        busy={send.isPending}
        error={send.error ? messageOf(send.error) : null}
        onSend={(body, attachments) => send.mutateAsync({ body, attachments }).then(() => undefined)}
      /> : null}
      {converting ? <ConvertDialog conversationId={c.id} onClose={() => setConverting(false)} /> : null}
    </article>
  );
}

function MessageBubble({ message: m, participant, author }: { message: Message; participant: string; author: string | undefined }) {
  const now = useNow();
  if (m.sender === 'system') {
    return (
      <p className="conv-msg-system">
        {m.body} · {timeAgo(m.createdAt, now)}
      </p>
    );
  }
  const who = m.sender === 'customer' ? participant : (author ?? 'Agent');
  const pending = m.id.startsWith('pending_');
  return (
    <div className={`conv-msg ${m.sender}${pending ? ' pending' : ''}`}>
      <Avatar name={who} size={30} />
      <div className="conv-msg-body">
        <div className="conv-msg-meta">
          <strong>{who}</strong>
          <time dateTime={m.createdAt} title={formatFull(m.createdAt)}>
            {pending ? 'Sending…' : timeAgo(m.createdAt, now)}
          </time>
        </div>
        <div className="conv-msg-text">{m.body}</div>
        <MessageAttachments attachments={m.attachments ?? []} />
      </div>
    </div>
  );
}

function ThreadSkeleton() {
  return (
    <div className="conv-thread" aria-busy="true" aria-label="Loading conversation">
      <div className="conv-thread-head">
        <div style={{ flex: 1, display: 'grid', gap: 8 }}>
          <span className="skeleton" style={{ width: '45%', height: 20 }} />
          <span className="skeleton" style={{ width: '30%' }} />
        </div>
      </div>
      <div className="conv-thread-messages">
        {[70, 50, 62].map((w, i) => (
          <span key={i} className="skeleton" style={{ width: `${w}%`, height: 64, alignSelf: i % 2 ? 'flex-end' : 'flex-start', borderRadius: 12 }} />
        ))}
      </div>
    </div>
  );
}
