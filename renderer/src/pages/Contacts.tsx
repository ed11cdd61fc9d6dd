import { useEffect, useState } from 'react';
import { usePermissions } from '../app/permissions.ts';
import { NewContactDialog } from '../contacts/NewContactDialog.tsx';
import { useSearch, useSearchParams } from 'wouter';
import { ContactDetail } from '../contacts/ContactDetail.tsx';
import { ContactList } from '../contacts/ContactList.tsx';
import { healthMeta } from '../contacts/health.tsx';
import { type TierFilter, filtersFromSearch } from '../contacts/filters.ts';
import { Icon } from '../components/Icon.tsx';
import { Segmented } from '../components/Segmented.tsx';
import { PageHeader } from '../components/States.tsx';
import '../contacts/contacts.css';

const tierOptions = [
  { value: 'all' as const, label: 'All' },
  ...(['healthy', 'at-risk', 'churned'] as const).map((tier) => ({
    value: tier,
    name: healthMeta[tier].label,
    label: <span className={`ct-tier-dot ${tier}`}>{healthMeta[tier].label}</span>,
  })),
];

/** Contacts: a filterable table, or one contact's card when `selectedId` is set. */
export function Contacts({ selectedId }: { selectedId?: string }) {
  const [params, setParams] = useSearchParams();
  const search = useSearch();
  const filters = filtersFromSearch(params);
  const [text, setText] = useState(filters.search);
  const [company, setCompany] = useState(filters.company);
  const [creating, setCreating] = useState(false);
  const { can, why } = usePermissions();

  useEffect(() => {
    if (text === filters.search && company === filters.company) return;
    const timer = setTimeout(() => update({ q: text, company }), 300);
    return () => clearTimeout(timer);
    // Only typing triggers this; `update` reads the latest params when it runs.
  }, [text, company]);

  function update(change: Partial<Record<'tier' | 'q' | 'company', string>>) {
    setParams(
      (prev) => {
        const next = new URLSearchParams(prev);
        for (const [name, value] of Object.entries(change)) {
          if (!value || (name === 'tier' && value === 'all')) next.delete(name);
          else next.set(name, value);
        }
        return next;
      },
      { replace: true },
    );
  }

  if (selectedId) {
    return (
      <div className="ld-page ct-page">
        <ContactDetail id={selectedId} backHref={`/contacts${search ? `?${search}` : ''}`} />
      </div>
    );
  }

  return (
    <div className="ld-page ct-page">
      <PageHeader
        title="Contacts"
        subtitle="Everyone who has written in, and how each relationship is doing."
        actions={
          <button type="button" className="primary" disabled={!can('contacts:write')} title={can('contacts:write') ? undefined : why('contacts:write')} onClick={() => setCreating(true)}>
            <Icon name="plus" /> New contact
          </button>
        }
      />
      <div className="ct-toolbar">
        <Segmented<TierFilter> label="Health" options={tierOptions} value={filters.tier} onChange={(tier) => update({ tier })} />
        <label className="ct-search">
          <Icon name="search" />
          <span className="ui-sr-only">Search contacts</span>
          <input type="search" placeholder="Search name, email or company" value={text} onChange={(e) => setText(e.target.value)} />
        </label>
        <label className="ct-search ct-company-field">
          <Icon name="building" />
          <span className="ui-sr-only">Company</span>
          <input type="search" placeholder="Company" value={company} onChange={(e) => setCompany(e.target.value)} />
        </label>
      </div>
      <div className="card ct-list-card">
        <ContactList
          filters={filters}
          search={search}
          onCompany={(value) => {
            setCompany(value);
            update({ company: value });
          }}
        />
      </div>
      {creating ? <NewContactDialog onClose={() => setCreating(false)} /> : null}
    </div>
  );
}
