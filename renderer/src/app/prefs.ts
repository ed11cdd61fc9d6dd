// This device's preferences, kept in localStorage: how long a reply is held for Undo.
import { useSyncExternalStore } from 'react';

const undoKey = 'localdesk.undoSendSeconds';
export const undoChoices = [0, 5, 10, 20] as const;
const listeners = new Set<() => void>();

/** Seconds a reply waits before it is sent (0: at once). Default 5. */
export function undoSendSeconds(): number {
  const raw = typeof localStorage === 'undefined' ? null : localStorage.getItem(undoKey);
  const value = raw === null ? 5 : Number(raw);
  return Number.isFinite(value) && value >= 0 && value <= 60 ? value : 5;
}

export function setUndoSendSeconds(seconds: number): void {
  localStorage.setItem(undoKey, String(seconds));
  listeners.forEach((l) => l());
}

export function useUndoSendSeconds(): number {
  return useSyncExternalStore(
    (l) => {
      listeners.add(l);
      return () => listeners.delete(l);
    },
    undoSendSeconds,
  );
}
