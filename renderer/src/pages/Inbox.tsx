import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { PAGE_SIZE } from '../api/tickets.ts';
import { useSession } from '../app/context.tsx';
import { BulkBar } from '../inbox/BulkBar.tsx';
import { InboxList } from '../inbox/InboxList.tsx';
import { InboxToolbar, SortControl } from '../inbox/InboxToolbar.tsx';
import { reconcileCursor, rowAt } from '../inbox/paging.ts';
import { useInboxState, useInboxStore } from '../inbox/state.tsx';
import { useInboxActions } from '../inbox/useInboxActions.ts';
import { useTicketPages } from '../inbox/useTicketPages.ts';
import { formatCount, ViewsNav } from '../inbox/ViewsNav.tsx';
import { type InboxFilters, type InboxSort, type ViewId, noFilters, sameFilters, savedViews, toTicketQuery } from '../inbox/views.ts';
import { useCommands } from '../keyboard/commands.tsx';
import { useShortcuts } from '../keyboard/KeyboardProvider.tsx';
import { useUserMap } from '../ticket/lookups.ts';
import { useServerNow } from '../ticket/serverClock.ts';
import '../ticket/primitives.css';
import '../inbox/inbox.css';
import '../inbox/inbox-list.css';

export function Inbox() {
  const { me } = useSession();
  const store = useInboxStore();
  const state = useInboxState();
  const users = useUserMap();
  const now = useServerNow();
  const listRef = useRef<HTMLDivElement>(null);
  const searchRef = useRef<HTMLInputElement>(null);
  const [range, setRange] = useState({ start: 0, end: 40 });

  const base = useMemo(() => toTicketQuery(state.filters, state.sort, me.id), [state.filters, state.sort, me.id]);
  const baseKey = JSON.stringify(base);
  const { total, pages, stale, fetching, error } = useTicketPages(base, range);
  const actions = useInboxActions(store, state, pages, total);
  const view = savedViews.find(
    (v) => sameFilters({ ...v.filters, search: state.filters.search }, state.filters) && v.sort.sortBy === state.sort.sortBy && v.sort.sortOrder === state.sort.sortOrder,
  );

  // New filters start at the top (but returning to the inbox keeps the scroll position).
  const firstKey = useRef(baseKey);
  useEffect(() => {
    if (firstKey.current === baseKey) return;
    firstKey.current = baseKey;
    if (listRef.current) listRef.current.scrollTop = 0;
    setRange({ start: 0, end: 40 });
  }, [baseKey]);

  // Rows move under live updates: keep the cursor on its ticket, or on the row that took its place.
  useEffect(() => {
    if (total === undefined || stale) return;
    const { cursor } = store.get();
    const index = reconcileCursor(cursor, pages, PAGE_SIZE, total);
    const id = index >= 0 ? (rowAt(pages, index, PAGE_SIZE)?.id ?? null) : null;
    if (index !== cursor.index || (id !== null && id !== cursor.id)) store.update({ cursor: { index, id } });
  }, [store, pages, total, stale]);

  useEffect(() => {
    if (!document.activeElement || document.activeElement === document.body) listRef.current?.focus({ preventScroll: true });
  }, []);

  const focusList = useCallback(() => listRef.current?.focus({ preventScroll: true }), []);
  const setFilters = useCallback((filters: InboxFilters) => store.setFilters(filters), [store]);
  const setSort = useCallback((sort: InboxSort) => store.setSort(sort), [store]);
  const openView = useCallback((id: ViewId) => store.openView(id), [store]);
  const onScroll = useCallback((offset: number) => (store.scrollOffset = offset), [store]);
  const onRange = useCallback((start: number, end: number) => setRange({ start, end }), []);

  useShortcuts({
    'inbox.next': () => actions.move(1),
    'inbox.prev': () => actions.move(-1),
    'inbox.open': () => actions.openCurrent(),
    'inbox.toggle': () => actions.toggleCurrent(),
    'inbox.resolve': () => void actions.resolve(),
    'inbox.assign': () => void actions.assignToMe(),
    'inbox.search': () => searchRef.current?.focus(),
    'inbox.clear': () => store.clearSelection(),
  });

  const current = actions.current;
  const selectedCount = state.selected.size;
  useCommands(
    [
      current && {
        id: 'inbox.resolve',
        title: selectedCount ? `Resolve ${selectedCount} selected tickets` : `Resolve “${current.subject}”`,
        group: 'Inbox',
        keys: 'e',
        run: () => void actions.resolve(),
      },
      current && {
        id: 'inbox.assign',
        title: selectedCount ? `Assign ${selectedCount} selected tickets to me` : `Assign “${current.subject}” to me`,
        group: 'Inbox',
        keys: 'a',
        run: () => void actions.assignToMe(),
      },
      { id: 'inbox.search', title: 'Search tickets in the inbox', group: 'Inbox', keys: '/', run: () => searchRef.current?.focus() },
      { id: 'inbox.clear-filters', title: 'Clear all filters', group: 'Inbox', run: () => store.setFilters(noFilters) },
    ].filter((c) => !!c),
  );

  const title = view?.label ?? 'Filtered tickets';
  return (
    <div className="inbox-page">
      <ViewsNav active={view?.id ?? null} onOpen={openView} />
      <section className="inbox-main" aria-labelledby="inbox-title">
        <header className="inbox-head">
          <h1 id="inbox-title">{title}</h1>
          <span className="inbox-total" aria-live="polite">
            {total === undefined ? '' : `${formatCount(total)} ticket${total === 1 ? '' : 's'}`}
          </span>
          {view?.highlightBreaches ? (
            <span className="inbox-note">Longest waiting first · breached tickets flagged (the API has no breached filter)</span>
          ) : null}
          <SortControl sort={state.sort} onSort={setSort} />
          <span className={`sync-dot ${fetching ? 'on' : ''}`} aria-hidden="true" />
        </header>
        <InboxToolbar
          filters={state.filters}
          searchRef={searchRef}
          onFilters={setFilters}
          onLeaveSearch={focusList}
        />
        {selectedCount > 0 ? (
          <BulkBar
            count={selectedCount}
            busy={actions.busy}
            onResolve={() => void actions.resolve()}
            onAssignMe={() => void actions.assignToMe()}
            onPriority={(p) => void actions.setPriority(p)}
            onAddTag={(t) => void actions.addTag(t)}
            onClear={() => store.clearSelection()}
          />
        ) : null}
        <div className="list-head" aria-hidden="true">
          <span />
          <span>Priority</span>
          <span>Subject</span>
          <span>Status</span>
          <span>Assignee</span>
          <span>SLA</span>
          <span>Updated</span>
        </div>
        {error && total === undefined ? (
          <div className="inbox-state error" role="alert">
            <strong>Could not load tickets</strong>
            <span>{error.message}</span>
          </div>
        ) : total === 0 && !stale ? (
          <div className="inbox-state empty">
            <strong>No tickets match these filters</strong>
            <span className="muted">Try another view, or clear the filters and search.</span>
            <button type="button" onClick={() => store.setFilters(noFilters)}>
              Clear filters
            </button>
          </div>
        ) : (
          <InboxList
            total={total}
            pages={pages}
            cursor={state.cursor.index}
            selected={state.selected}
            users={users}
            now={now}
            dimOnTrack={view?.highlightBreaches === true}
            stale={stale}
            initialOffset={store.scrollOffset}
            listRef={listRef}
            onScroll={onScroll}
            onRange={onRange}
            onOpen={actions.open}
            onToggle={actions.toggle}
          />
        )}
      </section>
    </div>
  );
}
