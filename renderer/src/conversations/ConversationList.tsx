import { useEffect, useRef } from 'react';
import { Link } from 'wouter';
import type { Conversation } from '../api/types.ts';
import { timeAgo } from '../components/format.ts';
import { Icon } from '../components/Icon.tsx';
import { EmptyState, ErrorState, SkeletonRows } from '../components/States.tsx';
import { channelMeta } from './channel.tsx';
import type { ConversationFilters } from './filters.ts';
import { useConversationList } from '../api/queries/conversations.ts';
import { useNow } from '../components/clock.ts';

export interface ConversationListProps {
  filters: ConversationFilters;
  selectedId: string | undefined;
  /** The query string to keep on links, so filters survive selecting a thread. */
  search: string;
}

/** The left pane: filtered conversations, newest activity first, more loaded on scroll. */
export function ConversationList({ filters, selectedId, search }: ConversationListProps) {
  const query = useConversationList(filters);
  const sentinel = useRef<HTMLLIElement>(null);
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

  if (query.isPending) return <SkeletonRows rows={9} height={68} />;
  if (query.isError) return <ErrorState error={query.error} onRetry={() => void query.refetch()} />;
  const items = query.data.pages.flatMap((p) => p.items);
  if (items.length === 0) {
    const what = filters.channel === 'all' ? '' : `${channelMeta[filters.channel].label.toLowerCase()} `;
    return (
      <EmptyState icon="inbox" title={filters.search ? 'No matches' : `No ${filters.status} ${what}conversations`}>
        {filters.search ? `Nothing matches “${filters.search}”.` : 'New threads from your integrations will show up here.'}
      </EmptyState>
    );
  }

  /** Arrow keys move between rows, like a mail client. */
  function onKeyDown(event: React.KeyboardEvent<HTMLUListElement>) {
    if (event.key !== 'ArrowDown' && event.key !== 'ArrowUp') return;
    const links = [...event.currentTarget.querySelectorAll<HTMLAnchorElement>('a.conv-row')];
    const index = links.indexOf(document.activeElement as HTMLAnchorElement);
    const next = links[index + (event.key === 'ArrowDown' ? 1 : -1)];
    if (next) {
      event.preventDefault();
      next.focus();
    }
  }

  return (
    <>
      <ul className="conv-list" aria-label="Conversations" onKeyDown={onKeyDown}>
        {items.map((c) => (
          <li key={c.id}>
            <ConversationRow conversation={c} selected={c.id === selectedId} search={search} />
          </li>
        ))}
        {hasNextPage ? (
          <li ref={sentinel} className="conv-more">
            <button type="button" className="ui-ghost ui-btn-small" onClick={() => void fetchNextPage()} disabled={isFetchingNextPage}>
              {isFetchingNextPage ? 'Loading…' : 'Load more'}
            </button>
          </li>
        ) : null}
      </ul>
    </>
  );
}

function ConversationRow({ conversation: c, selected, search }: { conversation: Conversation; selected: boolean; search: string }) {
  const now = useNow();
  const meta = channelMeta[c.channel];
  return (
    <Link
      href={`/conversations/${c.id}${search ? `?${search}` : ''}`}
      className={selected ? 'conv-row selected' : 'conv-row'}
      aria-current={selected ? 'page' : undefined}
    >
      <span className={`conv-channel ${c.channel}`} title={meta.label}>
        <Icon name={meta.icon} size={15} label={meta.label} />
      </span>
      <span className="conv-main">
        <span className="conv-top">
          <span className="conv-who">{c.participantEmail}</span>
          <time dateTime={c.lastMessageAt} title={new Date(c.lastMessageAt).toLocaleString()}>
            {timeAgo(c.lastMessageAt, now)}
          </time>
        </span>
        <span className="conv-subject">{c.subject}</span>
        <span className="conv-meta">
          <span>{c.messageCount === 1 ? '1 message' : `${c.messageCount} messages`}</span>
          {c.ticketId ? (
            <span className="ui-chip conv-ticket-chip">
              <Icon name="ticket" size={12} /> Ticket
            </span>
          ) : null}
          {c.status === 'archived' ? <span className="ui-chip">Archived</span> : null}
        </span>
      </span>
    </Link>
  );
}

/** "83 conversations" for the current filters (shares the list's cached query). */
export function ConversationCount({ filters }: { filters: ConversationFilters }) {
  const query = useConversationList(filters);
  const total = query.data?.pages[0]?.total;
  return (
    <span className="conv-count muted small" aria-live="polite">
      {total === undefined ? '\u00a0' : `${total.toLocaleString('en-US')} ${total === 1 ? 'conversation' : 'conversations'}`}
    </span>
  );
}
