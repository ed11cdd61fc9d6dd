// Commands for the palette. Layout registers the global ones (go to pages, saved views); a
// page registers its own while mounted (resolve the open ticket, apply a macro, ...).
import {
  type ReactNode,
  createContext,
  useCallback,
  useContext,
  useEffect,
  useMemo,
  useRef,
  useSyncExternalStore,
} from 'react';

export interface Command {
  id: string;
  title: string;
  /** A second, quieter line of context (a ticket's contact). */
  detail?: string;
  /** Shown on the right: a section name or the shortcut. */
  group: string;
  /** A shortcut to show beside it, in catalog form ("g i"). */
  keys?: string;
  run: () => void;
}

class CommandStore {
  private sources = new Map<symbol, readonly Command[]>();
  private listeners = new Set<() => void>();
  private snapshot: readonly Command[] = [];

  set(source: symbol, commands: readonly Command[] | null): void {
    if (commands) this.sources.set(source, commands);
    else this.sources.delete(source);
    // Page commands first: they are about what the user is looking at.
    this.snapshot = [...this.sources.values()].reverse().flat();
    this.listeners.forEach((l) => l());
  }

  subscribe = (listener: () => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  getSnapshot = () => this.snapshot;
}

const CommandContext = createContext<CommandStore | null>(null);

export function CommandProvider({ children }: { children: ReactNode }) {
  const store = useMemo(() => new CommandStore(), []);
  return <CommandContext.Provider value={store}>{children}</CommandContext.Provider>;
}

function useStore(): CommandStore {
  const store = useContext(CommandContext);
  if (!store) throw new Error('useCommands outside CommandProvider');
  return store;
}

/** Every command currently registered. */
export function useAllCommands(): readonly Command[] {
  const store = useStore();
  return useSyncExternalStore(store.subscribe, store.getSnapshot);
}

/**
 * Registers commands while mounted. The list may be rebuilt every render; it is re-published
 * only when the ids or titles change, and `run` always calls the latest closure.
 */
export function useCommands(commands: readonly Command[]): void {
  const store = useStore();
  const source = useMemo(() => Symbol('commands'), []);
  const latest = useRef(commands);
  useEffect(() => {
    latest.current = commands;
  });
  const signature = commands.map((c) => `${c.id}\u0000${c.title}\u0000${c.keys ?? ''}`).join('\u0001');
  const runById = useCallback((id: string) => latest.current.find((c) => c.id === id)?.run(), []);
  useEffect(() => {
    store.set(
      source,
      latest.current.map((c) => ({ ...c, run: () => runById(c.id) })),
    );
  }, [store, source, signature, runById]);
  useEffect(() => () => store.set(source, null), [store, source]);
}
