import { useState } from 'react';
import { Link } from 'wouter';
import type { ContactPatchBody } from '../api/types.ts';
import { Avatar } from '../components/Avatar.tsx';
import { formatFull, timeAgo } from '../components/format.ts';
import { formErrorsOf } from '../components/formErrors.ts';
import { Icon } from '../components/Icon.tsx';
import { InlineEdit } from '../components/InlineEdit.tsx';
import { EmptyState, ErrorState } from '../components/States.tsx';
import { ChannelBadge } from '../conversations/channel.tsx';
import { HealthBadge, StatusBadge, healthMeta } from './health.tsx';
import { useContact, usePatchContact } from '../api/queries/contacts.ts';
import { useNow } from '../components/clock.ts';
import { usePermissions } from '../app/permissions.ts';

type EditableField = 'name' | 'email' | 'company';

/** One contact: the editable card, their health, and their recent tickets and conversations. */
export function ContactDetail({ id, backHref }: { id: string; backHref: string }) {
  const now = useNow();
  const query = useContact(id);
  const patch = usePatchContact(id);
  const [errors, setErrors] = useState<Partial<Record<EditableField, string>>>({});
  const { can, why } = usePermissions();
  const locked = can('contacts:write') ? undefined : why('contacts:write');

  async function save(field: EditableField, value: string) {
    setErrors((e) => ({ ...e, [field]: undefined }));
    const body: ContactPatchBody = { [field]: value === '' && field !== 'email' ? null : value };
    try {
      await patch.mutateAsync(body);
    } catch (err) {
      const mapped = formErrorsOf(err, ['name', 'email', 'company'] as const);
      setErrors({ ...mapped.fields, [field]: mapped.fields[field] ?? mapped.general ?? undefined });
      throw err;
    }
  }

  return (
    <div className="ct-detail">
      <Link href={backHref} className="ct-back">
        <Icon name="arrowLeft" size={14} /> All contacts
      </Link>
      {query.isPending ? (
        <div className="card ct-card" aria-busy="true">
          <span className="skeleton" style={{ width: 64, height: 64, borderRadius: '50%' }} />
          <div style={{ flex: 1, display: 'grid', gap: 10 }}>
            <span className="skeleton" style={{ width: '30%', height: 22 }} />
            <span className="skeleton" style={{ width: '45%' }} />
          </div>
        </div>
      ) : query.isError ? (
        <div className="card">
          <ErrorState error={query.error} onRetry={() => void query.refetch()} />
        </div>
      ) : (
        <>
          <section className="card ct-card" aria-label="Contact">
            <Avatar name={query.data.name ?? query.data.email} size={64} />
            <div className="ct-fields">
              <h1 className="ct-title">
                <InlineEdit readOnlyReason={locked} label="Name" value={query.data.name ?? ''} placeholder="Add a name" error={errors.name} onSave={(v) => save('name', v)} />
              </h1>
              <dl className="ct-props">
                <div>
                  <dt>Email</dt>
                  <dd>
                    <InlineEdit readOnlyReason={locked} label="Email" type="email" value={query.data.email} error={errors.email} onSave={(v) => save('email', v)} />
                  </dd>
                </div>
                <div>
                  <dt>Company</dt>
                  <dd>
                    <InlineEdit readOnlyReason={locked} label="Company" value={query.data.company ?? ''} placeholder="Add a company" error={errors.company} onSave={(v) => save('company', v)} />
                  </dd>
                </div>
              </dl>
            </div>
            <dl className="ct-stats">
              <div>
                <dt>Health</dt>
                <dd>
                  <HealthBadge tier={query.data.healthTier} />
                  <span className="muted small">{healthMeta[query.data.healthTier].why}</span>
                </dd>
              </div>
              <div>
                <dt>Last seen</dt>
                <dd title={query.data.lastSeenAt ? formatFull(query.data.lastSeenAt) : undefined}>{query.data.lastSeenAt ? timeAgo(query.data.lastSeenAt, now) : 'Never'}</dd>
              </div>
              <div>
                <dt>Open tickets</dt>
                <dd className="ct-big-number">{query.data.openTicketCount}</dd>
              </div>
              <div>
                <dt>Contact since</dt>
                <dd>{formatFull(query.data.createdAt)}</dd>
              </div>
            </dl>
          </section>
          <div className="ct-activity">
            <section className="card" aria-labelledby="recent-tickets">
              <h2 id="recent-tickets">Recent tickets</h2>
              {query.data.recentTickets.length === 0 ? (
                <EmptyState icon="ticket" title="No tickets yet" />
              ) : (
                <ul className="ct-activity-list">
                  {query.data.recentTickets.map((t) => (
                    <li key={t.id}>
                      <Link href={`/tickets/${t.id}`}>{t.subject}</Link>
                      <span className="ct-activity-meta">
                        <StatusBadge status={t.status} />
                        <span className={`badge ${t.priority}`}>{t.priority}</span>
                        <time className="muted small" dateTime={t.createdAt}>
                          {timeAgo(t.createdAt, now)}
                        </time>
                      </span>
                    </li>
                  ))}
                </ul>
              )}
            </section>
            <section className="card" aria-labelledby="recent-conversations">
              <h2 id="recent-conversations">Recent conversations</h2>
              {query.data.recentConversations.length === 0 ? (
                <EmptyState icon="chat" title="No conversations yet" />
              ) : (
                <ul className="ct-activity-list">
                  {query.data.recentConversations.map((c) => (
                    <li key={c.id}>
                      <Link href={`/conversations/${c.id}`}>{c.subject}</Link>
                      <span className="ct-activity-meta">
                        <ChannelBadge channel={c.channel} />
                        {c.status === 'archived' ? <span className="ui-chip">Archived</span> : null}
                        <time className="muted small" dateTime={c.lastMessageAt}>
                          {timeAgo(c.lastMessageAt, now)}
                        </time>
                      </span>
                    </li>
                  ))}
                </ul>
              )}
            </section>
          </div>
        </>
      )}
    </div>
  );
}
