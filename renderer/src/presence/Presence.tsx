import { Avatar } from '../components/Avatar.tsx';
import { useDraft } from '../ticket/drafts.ts';
import { useOthersOn, usePresenceBeat } from './usePresence.ts';
import './presence.css';

/** Avatars of the others on a ticket, small, for inbox rows. */
export function PresenceDots({ ticketId }: { ticketId: string }) {
  const others = useOthersOn(ticketId);
  if (others.length === 0) return null;
  const names = others.map((p) => p.name).join(', ');
  return (
    <span className="presence-dots" role="img" aria-label={`Open by ${names}`} title={`Open by ${names}`}>
      {others.slice(0, 3).map((p) => (
        <Avatar key={p.userId} name={p.name} size={18} />
      ))}
    </span>
  );
}

/**
 * On a ticket: sends this tab's heartbeat (replying while a draft has text) and shows who else is
 * here, and who of them is replying, so two people do not answer the same customer at once.
 */
export function TicketPresenceBar({ ticketId }: { ticketId: string }) {
  const reply = useDraft(ticketId, 'reply');
  const note = useDraft(ticketId, 'note');
  const typing = reply.text.trim() !== '' || note.text.trim() !== '';
  usePresenceBeat(ticketId, typing);
  const others = useOthersOn(ticketId);
  if (others.length === 0) return null;
  const replying = others.filter((p) => p.state === 'replying');
  return (
    <div className="presence-bar" aria-label="Also on this ticket">
      {others.map((p) => (
        <span key={p.userId} className="presence-person" title={`${p.name} is ${p.state}`}>
          <Avatar name={p.name} size={22} />
          <span className="presence-name">{p.name}</span>
        </span>
      ))}
      {replying.length > 0 ? (
        <span className="presence-replying" role="status">
          {replying.map((p) => p.name.split(' ')[0]).join(' and ')} {replying.length === 1 ? 'is' : 'are'} replying…
        </span>
      ) : null}
    </div>
  );
}
