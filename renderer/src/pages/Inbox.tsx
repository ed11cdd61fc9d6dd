import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { PAGE_SIZE } from '../api/queries/tickets.ts';
import { useUserMap } from '../api/queries/users.ts';
import { useSession } from '../app/context.tsx';
import { usePermissions } from '../app/permissions.ts';
import { useNow } from '../components/clock.ts';
import { Icon } from '../components/Icon.tsx';
import { BulkBar } from '../inbox/BulkBar.tsx';
import { InboxList } from '../inbox/InboxList.tsx';
import { InboxToolbar, SortControl } from '../inbox/InboxToolbar.tsx';
import { reconcileCursor, rowAt } from '../inbox/paging.ts';
import { useInboxState, useInboxStore } from '../inbox/state.tsx';
import { useInboxActions } from '../inbox/useInboxActions.ts';
import { useTicketPages } from '../inbox/useTicketPages.ts';
import { NewTicketDialog } from '../inbox/NewTicketDialog.tsx';
import { SaveViewDialog } from '../inbox/SaveViewDialog.tsx';
import { formatCount, useUserViews, ViewsNav } from '../inbox/ViewsNav.tsx';
import { type InboxFilters, type InboxSort, type SavedView, fromServerView, isFiltered, matchingView, noFilters, savedViews, toTicketQuery } from '../inbox/views.ts';
import { useCommands } from '../keyboard/commands.tsx';
import { useShortcuts } from '../keyboard/KeyboardProvider.tsx';
import '../ticket/primitives.css';
import '../inbox/inbox.css';
import '../inbox/inbox-list.css';

export function Inbox() {
  const { me } = useSession();
  const store = useInboxStore();
  const state = useInboxState();
  const users = useUserMap();
  const now = useNow();
  const { can, why } = usePermissions();
  const userViews = useUserViews();
  const [dialog, setDialog] = useState<'new-ticket' | 'save-view' | null>(null);
  const listRef = useRef<HTMLDivElement>(null);
  const searchRef = useRef<HTMLInputElement>(null);
  const [range, setRange] = useState({ start: 0, end: 40 });

  const base = useMemo(() => toTicketQuery(state.filters, state.sort, me.id), [state.filters, state.sort, me.id]);
  const baseKey = JSON.stringify(base);
  const { total, pages, stale, fetching, error } = useTicketPages(base, range);
  const actions = useInboxActions(store, state, pages, total);
  const view = matchingView([...savedViews, ...userViews.views], state.filters, state.sort);

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
  // Opening a view hands the keys to the list, so j, k and Enter work on its tickets at once.
  const openView = useCallback(
    (next: SavedView) => {
      store.openView(next);
      listRef.current?.focus({ preventScroll: true });
    },
    [store],
  );
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
      can('tickets:write') ? { id: 'inbox.new', title: 'New ticket…', group: 'Inbox', run: () => setDialog('new-ticket') } : null,
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
          <SortControl sort={state.sort} onSort={setSort} />
          <span className={`sync-dot ${fetching ? 'on' : ''}`} aria-hidden="true" />
          {userViews.available && !view && isFiltered(state.filters) ? (
            <button type="button" className="ui-btn-small" onClick={() => setDialog('save-view')}>
              Save view
            </button>
          ) : null}
          {can('tickets:write') ? (
            <button type="button" className="primary new-ticket" onClick={() => setDialog('new-ticket')}>
              <Icon name="plus" /> New ticket
            </button>
          ) : null}
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
            readOnlyReason={can('tickets:write') ? undefined : why('tickets:write')}
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
      {dialog === 'new-ticket' ? <NewTicketDialog onClose={() => setDialog(null)} /> : null}
      {dialog === 'save-view' ? (
        <SaveViewDialog
          filters={state.filters}
          sort={state.sort}
          onClose={() => setDialog(null)}
          onSaved={(saved) => {
            setDialog(null);
            store.openView(fromServerView(saved));
          }}
        />
      ) : null}
    </div>
  );
}
