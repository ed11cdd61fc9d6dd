import { type CSSProperties, memo, useEffect, useRef } from 'react';
import type { Message, User } from '../api/types.ts';
import { MessageAttachments } from '../attachments/MessageAttachments.tsx';
import { hueOf, initials } from './lookups.ts';
import { formatFull, formatStamp } from './time.ts';

export interface ThreadProps {
  messages: readonly Message[];
  users: ReadonlyMap<string, User>;
  contactName: string;
  now: number;
}

/** Messages still on their way to the server carry an id with this prefix. */
export const pendingPrefix = 'pending_';

/** The conversation, oldest first: customer, agent, internal note and system entries look different. */
export function Thread({ messages, users, contactName, now }: ThreadProps) {
  const list = useRef<HTMLOListElement>(null);
  const count = messages.length;
  // Show the newest message when the thread opens or grows (scrolling only the thread).
  useEffect(() => {
    const el = list.current;
    if (el) el.scrollTop = el.scrollHeight;
  }, [count]);
  return (
    <ol ref={list} className="thread" aria-label="Messages">
      {messages.map((m) => (
        <MessageItem key={m.id} message={m} users={users} contactName={contactName} now={now} />
      ))}
    </ol>
  );
}

const MessageItem = memo(function MessageItem({
  message,
  users,
  contactName,
  now,
}: {
  message: Message;
  users: ReadonlyMap<string, User>;
  contactName: string;
  now: number;
}) {
  const pending = message.id.startsWith(pendingPrefix);
  const time = (
    <time dateTime={message.createdAt} title={formatFull(message.createdAt)}>
      {formatStamp(message.createdAt, now || undefined)}
    </time>
  );
  if (message.sender === 'system') {
    return (
      <li className="msg system" aria-label="System message">
        <span>{message.body}</span> · {time}
      </li>
    );
  }
  const author =
    message.sender === 'customer'
      ? contactName
      : ((message.authorId && users.get(message.authorId)?.name) ?? (message.authorId ? 'Agent' : 'LocalDesk'));
  const kind = message.internal ? 'internal' : message.sender;
  const label = message.internal ? 'Internal note' : message.sender === 'customer' ? 'Customer' : 'Agent reply';
  return (
    <li className={`msg ${kind} ${pending ? 'pending' : ''}`} aria-label={`${label} from ${author}`}>
      <span className="avatar msg-avatar" style={{ '--hue': hueOf(author) } as CSSProperties} aria-hidden="true">
        {initials(author)}
      </span>
      <div className="msg-card">
        <div className="msg-head">
          <span className="msg-author">{author}</span>
          {message.internal ? <span className="msg-tag internal-tag">Internal note</span> : null}
          {message.sender === 'customer' ? <span className="msg-tag">Customer</span> : null}
          <span className="msg-time">{pending ? 'Sending…' : time}</span>
        </div>
        <div className="msg-body">{message.body}</div>
        <MessageAttachments attachments={message.attachments ?? []} />
      </div>
    </li>
  );
});
