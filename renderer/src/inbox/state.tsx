// The inbox's state outlives the inbox page: open a ticket, press Escape, and the same view,
// filters, cursor, selection and scroll position are back. One store per signed-in session
// (Layout provides it), read with useSyncExternalStore.
import { type ReactNode, createContext, useContext, useMemo, useSyncExternalStore } from 'react';
import { type InboxFilters, type InboxSort, type SavedView, type ViewId, viewById } from './views.ts';

export interface InboxState {
  /** The view the filters started from; null once the agent has changed them. */
  viewId: SavedView['id'] | null;
  filters: InboxFilters;
  sort: InboxSort;
  /** The row with the keyboard cursor (index into the list) and its ticket. */
  cursor: { index: number; id: string | null };
  /** Tickets ticked for bulk actions. */
  selected: ReadonlySet<string>;
}

export class InboxStore {
  private state: InboxState;
  private listeners = new Set<() => void>();
  /** Where the list was scrolled; kept outside the state so scrolling re-renders nothing. */
  scrollOffset = 0;

  constructor(initialView: ViewId = 'all') {
    const view = viewById(initialView);
    this.state = { viewId: view.id, filters: view.filters, sort: view.sort, cursor: { index: -1, id: null }, selected: new Set() };
  }

  get = (): InboxState => this.state;

  subscribe = (listener: () => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  update(patch: Partial<InboxState> | ((state: InboxState) => Partial<InboxState>)): void {
    const changes = typeof patch === 'function' ? patch(this.state) : patch;
    this.state = { ...this.state, ...changes };
    this.listeners.forEach((l) => l());
  }

  /** Switches to a view: its filters and sort, cursor at the top, selection cleared. */
  openView(view: SavedView): void {
    this.scrollOffset = 0;
    this.update({ viewId: view.id, filters: view.filters, sort: view.sort, cursor: { index: -1, id: null }, selected: new Set() });
  }

  setFilters(filters: InboxFilters): void {
    this.scrollOffset = 0;
    this.update({ viewId: null, filters, cursor: { index: -1, id: null }, selected: new Set() });
  }

  setSort(sort: InboxSort): void {
    this.scrollOffset = 0;
    this.update({ sort, cursor: { index: -1, id: null } });
  }

  toggle(id: string): void {
    this.update((s) => {
      const selected = new Set(s.selected);
      if (selected.has(id)) selected.delete(id);
      else selected.add(id);
      return { selected };
    });
  }

  clearSelection(): void {
    if (this.state.selected.size > 0) this.update({ selected: new Set() });
  }
}

const InboxContext = createContext<InboxStore | null>(null);

export function InboxStateProvider({ children }: { children: ReactNode }) {
  const store = useMemo(() => new InboxStore(), []);
  return <InboxContext.Provider value={store}>{children}</InboxContext.Provider>;
}

export function useInboxStore(): InboxStore {
  const store = useContext(InboxContext);
  if (!store) throw new Error('useInboxStore outside InboxStateProvider');
  return store;
}

export function useInboxState(): InboxState {
  const store = useInboxStore();
  return useSyncExternalStore(store.subscribe, store.get);
}
