import { type ReactNode, createContext, useContext, useEffect, useLayoutEffect, useMemo, useRef } from 'react';
import { type ShortcutId, specOf } from './catalog.ts';
import { ShortcutRegistry } from './registry.ts';

const RegistryContext = createContext<ShortcutRegistry | null>(null);

/** Owns the one window keydown listener for the signed-in app. */
export function KeyboardProvider({ children }: { children: ReactNode }) {
  const registry = useMemo(() => new ShortcutRegistry(), []);
  useEffect(() => {
    const onKey = (event: KeyboardEvent) => {
      registry.handle(event);
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [registry]);
  return <RegistryContext.Provider value={registry}>{children}</RegistryContext.Provider>;
}

export type ShortcutHandlers = Partial<Record<ShortcutId, (event: KeyboardEvent) => void>>;

/**
 * Binds catalog shortcuts to handlers while the calling component is mounted. Handlers may
 * change every render: the latest one runs, without re-registering.
 */
export function useShortcuts(handlers: ShortcutHandlers, enabled = true): void {
  const registry = useContext(RegistryContext);
  const latest = useRef(handlers);
  useEffect(() => {
    latest.current = handlers;
  });
  const ids = Object.keys(handlers).sort().join(',');
  // A layout effect: bound before the page is painted, so a key pressed on sight works.
  useLayoutEffect(() => {
    if (!registry || !enabled) return;
    const removers = (ids ? (ids.split(',') as ShortcutId[]) : []).map((id) => {
      const spec = specOf(id);
      return registry.add({
        keys: spec.keys,
        allowInInput: spec.allowInInput,
        run: (event) => latest.current[id]?.(event),
      });
    });
    return () => removers.forEach((remove) => remove());
  }, [registry, ids, enabled]);
}
