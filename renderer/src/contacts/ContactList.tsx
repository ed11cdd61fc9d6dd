import { useEffect, useRef } from 'react';
import { Link, useLocation } from 'wouter';
import { Avatar } from '../components/Avatar.tsx';
import { timeAgo } from '../components/format.ts';
import { EmptyState, ErrorState, SkeletonRows } from '../components/States.tsx';
import { HealthBadge } from './health.tsx';
import type { ContactFilters } from './filters.ts';
import { useContactList } from '../api/queries/contacts.ts';
import { useNow } from '../components/clock.ts';

/** The contacts table: most recently active first, more rows loaded as it scrolls. */
export function ContactList({ filters, search, onCompany }: { filters: ContactFilters; search: string; onCompany: (company: string) => void }) {
  const now = useNow();
  const query = useContactList(filters);
  const [, navigate] = useLocation();
  const sentinel = useRef<HTMLDivElement>(null);
  const { hasNextPage, isFetchingNextPage, fetchNextPage } = query;

  useEffect(() => {
    const node = sentinel.current;
    if (!node || !hasNextPage) return;
    const observer = new IntersectionObserver(([entry]) => {
      if (entry?.isIntersecting && !isFetchingNextPage) void fetchNextPage();
    });
    observer.observe(node);
    return () => observer.disconnect();
  }, [hasNextPage, isFetchingNextPage, fetchNextPage]);

  if (query.isPending) return <SkeletonRows rows={10} height={56} />;
  if (query.isError) return <ErrorState error={query.error} onRetry={() => void query.refetch()} />;
  const items = query.data.pages.flatMap((p) => p.items);
  const total = query.data.pages[0]?.total ?? 0;
  if (items.length === 0) {
    return (
      <EmptyState icon="users" title="No contacts match">
        Try another health tier, or clear the search and company filters.
      </EmptyState>
    );
  }
  const href = (id: string) => `/contacts/${id}${search ? `?${search}` : ''}`;

  return (
    <>
      <table className="grid ct-table">
        <caption className="ui-sr-only">Contacts, {total} in all</caption>
        <thead>
          <tr>
            <th scope="col">Contact</th>
            <th scope="col">Company</th>
            <th scope="col">Health</th>
            <th scope="col" className="num">
              Open tickets
            </th>
            <th scope="col">Last seen</th>
          </tr>
        </thead>
        <tbody>
          {items.map((c) => (
            <tr key={c.id} onClick={(e) => !(e.target as HTMLElement).closest('a,button') && navigate(href(c.id))}>
              <td>
                <span className="ct-cell">
                  <Avatar name={c.name ?? c.email} size={32} />
                  <span>
                    <Link href={href(c.id)} className="ct-name">
                      {c.name ?? c.email}
                    </Link>
                    {c.name ? <span className="muted small">{c.email}</span> : null}
                  </span>
                </span>
              </td>
              <td>
                {c.company ? (
                  <button type="button" className="link ct-company-link" onClick={() => onCompany(c.company ?? '')} title={`Only ${c.company}`}>
                    {c.company}
                  </button>
                ) : (
                  <span className="muted">—</span>
                )}
              </td>
              <td>
                <HealthBadge tier={c.healthTier} />
              </td>
              <td className="num">{c.openTicketCount > 0 ? <strong>{c.openTicketCount}</strong> : <span className="muted">0</span>}</td>
              <td className="muted">{c.lastSeenAt ? <time dateTime={c.lastSeenAt}>{timeAgo(c.lastSeenAt, now)}</time> : 'Never'}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <div ref={sentinel} className="ct-table-foot muted small">
        {hasNextPage ? (
          <button type="button" className="ui-ghost ui-btn-small" onClick={() => void fetchNextPage()} disabled={isFetchingNextPage}>
            {isFetchingNextPage ? 'Loading…' : `Showing ${items.length} of ${total} · Load more`}
          </button>
        ) : (
          `${total.toLocaleString('en-US')} ${total === 1 ? 'contact' : 'contacts'}`
        )}
      </div>
    </>
  );
}
