import { Link } from 'wouter';
import { useContact } from '../api/queries/contacts.ts';
import type { ContactDetail } from '../api/types.ts';
import { Avatar } from '../components/Avatar.tsx';

const tierLabel: Record<ContactDetail['healthTier'], string> = {
  healthy: 'Healthy',
  'at-risk': 'At risk',
  churned: 'Churned',
};

/** Who is asking: name, email, company, health tier, open tickets. */
export function ContactCard({ contactId, ticketId }: { contactId: string; ticketId: string }) {
  const contact = useContact(contactId);
  if (contact.isPending) {
    return (
      <section className="panel contact-card" aria-label="Contact" aria-busy="true">
        <div className="skeleton" style={{ width: '60%', height: '1.1rem' }} />
        <div className="skeleton" style={{ width: '80%', marginTop: 8 }} />
        <div className="skeleton" style={{ width: '40%', marginTop: 8 }} />
      </section>
    );
  }
  if (contact.isError) {
    return (
      <section className="panel contact-card" aria-label="Contact">
        <p className="error small">Could not load the contact: {contact.error.message}</p>
      </section>
    );
  }
  const c = contact.data;
  const name = c.name ?? c.email;
  const others = c.recentTickets.filter((t) => t.id !== ticketId).slice(0, 4);
  return (
    <section className="panel contact-card" aria-label="Contact">
      <div className="contact-head">
        <Avatar name={name} size={36} className="contact-avatar" />
        <div className="contact-id">
          <Link className="contact-name" href={`/contacts/${c.id}`}>
            {name}
          </Link>
          <a className="contact-email" href={`mailto:${c.email}`}>
            {c.email}
          </a>
        </div>
      </div>
      <dl className="contact-facts">
        <div>
          <dt>Company</dt>
          <dd>{c.company ?? <span className="muted">—</span>}</dd>
        </div>
        <div>
          <dt>Health</dt>
          <dd>
            <span className={`badge tier ${c.healthTier}`}>{tierLabel[c.healthTier]}</span>
          </dd>
        </div>
        <div>
          <dt>Open tickets</dt>
          <dd>{c.openTicketCount}</dd>
        </div>
      </dl>
      {others.length > 0 ? (
        <div className="contact-recent">
          <h3>Other tickets</h3>
          <ul>
            {others.map((t) => (
              <li key={t.id}>
                <Link href={`/tickets/${t.id}`}>{t.subject}</Link>
                <span className={`status-pill ${t.status}`}>{t.status}</span>
              </li>
            ))}
          </ul>
        </div>
      ) : null}
    </section>
  );
}
