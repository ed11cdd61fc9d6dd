import { type Ref, memo, useEffect, useRef } from 'react';
import type { Message } from '../api/types.ts';
import { MessageAttachments } from '../attachments/MessageAttachments.tsx';
import { Avatar } from '../components/Avatar.tsx';
import { formatFull, formatStamp } from '../components/format.ts';
import type { ActivityItem } from './activity.ts';
import { ActivityLine, type Names } from './ActivityLine.tsx';
import { pendingPrefix } from './outbox.ts';
import { DeliveryState, MailBody, MailTags, mailAuthor, shownAttachments } from '../mail/MessageMail.tsx';

export interface ThreadProps {
  messages: readonly Message[];
  activity: readonly ActivityItem[];
  names: Names;
  contactName: string;
  now: number;
  ref?: Ref<HTMLOListElement>;
}

type Entry = { kind: 'message'; at: string; message: Message } | { kind: 'activity'; at: string; item: ActivityItem };

/**
 * The conversation, oldest first: customer, agent, internal note and system entries look
 * different, and the ticket's changes (status, assignee, tags, merges, workflow actions) sit
 * between them where they happened. Focusable, so after a send the keys go to the page.
 */
export function Thread({ messages, activity, names, contactName, now, ref }: ThreadProps) {
  const list = useRef<HTMLOListElement | null>(null);
  const count = messages.length + activity.length;
  // Show the newest entry when the thread opens or grows (scrolling only the thread).
  useEffect(() => {
    const el = list.current;
    if (el) el.scrollTop = el.scrollHeight;
  }, [count]);
  const entries: Entry[] = [
    ...messages.map((message) => ({ kind: 'message' as const, at: message.createdAt, message })),
    ...activity.map((item) => ({ kind: 'activity' as const, at: item.at, item })),
  ].sort((a, b) => a.at.localeCompare(b.at));
  return (
    <ol
      ref={(el) => {
        list.current = el;
        if (typeof ref === 'function') ref(el);
        else if (ref) ref.current = el;
      }}
      className="thread"
      aria-label="Messages"
      tabIndex={-1}
    >
      {entries.map((entry) =>
        entry.kind === 'message' ? (
          <MessageItem key={entry.message.id} message={entry.message} names={names} contactName={contactName} now={now} />
        ) : (
          <ActivityLine key={entry.item.id} item={entry.item} names={names} now={now} />
        ),
      )}
    </ol>
  );
}

const MessageItem = memo(function MessageItem({ message, names, contactName, now }: { message: Message; names: Names; contactName: string; now: number }) {
  const pending = message.id.startsWith(pendingPrefix);
  const time = (
    <time dateTime={message.createdAt} title={formatFull(message.createdAt)}>
      {formatStamp(message.createdAt, now)}
    </time>
  );
  // A system line, unless it is mail (an automatic reply kept as a note), which shows as a card.
  if (message.sender === 'system' && !message.email) {
    return (
      <li className="msg system" aria-label="System message">
        <span>{message.body}</span> · {time}
      </li>
    );
  }
  const author =
    mailAuthor(message) ??
    (message.sender === 'customer' ? contactName : message.authorId ? (names.users.get(message.authorId)?.name ?? 'Agent') : 'LocalDesk');
  const kind = message.internal ? 'internal' : message.sender;
  const label = message.internal ? 'Internal note' : message.sender === 'customer' ? 'Customer' : 'Agent reply';
  return (
    <li className={`msg ${kind} ${pending ? 'pending' : ''}`} aria-label={`${label} from ${author}`}>
      <Avatar name={author} size={30} className="msg-avatar" />
      <div className="msg-card">
        <div className="msg-head">
          <span className="msg-author">{author}</span>
          {message.internal ? <span className="msg-tag internal-tag">Internal note</span> : null}
          {message.sender === 'customer' ? <span className="msg-tag">Customer</span> : null}
          <MailTags message={message} />
          <span className="msg-time">{pending ? 'Sending…' : time}</span>
        </div>
        <MailBody message={message} />
        <MessageAttachments attachments={shownAttachments(message)} />
        <DeliveryState message={message} />
      </div>
    </li>
  );
});
