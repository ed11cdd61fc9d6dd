import { useState } from 'react';
import { useLocation } from 'wouter';
import { useNow } from '../components/clock.ts';
import { formatStamp } from '../components/format.ts';
import { Icon } from '../components/Icon.tsx';
import { useMarkRead, useNotifications } from './useNotifications.ts';
import './notifications.css';

/** The notification centre: a bell with the unread count, opening the newest notifications. */
export function Bell() {
  const { data } = useNotifications();
  const markRead = useMarkRead();
  const [open, setOpen] = useState(false);
  const [, navigate] = useLocation();
  const now = useNow();
  const unread = data?.unread ?? 0;
  return (
    <div className="ntf">
      <button
        type="button"
        className="ntf-bell"
        aria-expanded={open}
        aria-label={`Notifications, ${unread} unread`}
        onClick={() => setOpen((o) => !o)}
      >
        <Icon name="bell" />
        {unread > 0 ? <span className="ntf-count">{unread > 99 ? '99+' : unread}</span> : null}
      </button>
      {open ? (
        <div className="ntf-panel" role="dialog" aria-label="Notifications">
          <div className="ntf-head">
            <strong>Notifications</strong>
            <button type="button" className="link" disabled={unread === 0} onClick={() => markRead.mutate('all')}>
              Mark all read
            </button>
          </div>
          {(data?.items.length ?? 0) === 0 ? <p className="muted small">Nothing yet.</p> : null}
          <ul>
            {data?.items.map((n) => (
              <li key={n.id} className={n.read ? 'ntf-item' : 'ntf-item unread'}>
                <button
                  type="button"
                  onClick={() => {
                    if (!n.read) markRead.mutate(n.id);
                    setOpen(false);
                    if (n.ticketId) navigate(`/tickets/${n.ticketId}`);
                  }}
                >
                  <span className="ntf-title">{n.title}</span>
                  <span className="ntf-body">{n.body}</span>
                  <span className="ntf-time muted small">{formatStamp(n.createdAt, now)}</span>
                </button>
              </li>
            ))}
          </ul>
        </div>
      ) : null}
    </div>
  );
}
