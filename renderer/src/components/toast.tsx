// The app's one toast system: a queue outside React, so any handler can call toast(), and one
// <Toaster /> in the shell that shows it. Errors are announced assertively, the rest politely.
// A toast may carry one action ("Undo") and stays until it runs or times out.
import { useSyncExternalStore } from 'react';
import { Icon } from './Icon.tsx';
import './components.css';

export type ToastKind = 'info' | 'success' | 'error';

export interface ToastOptions {
  /** How long it stays, in ms (errors 8 s, others 4 s by default). */
  ms?: number;
  action?: { label: string; run: () => void };
  /** A toast with the same key replaces the previous one instead of stacking. */
  key?: string;
}

interface ToastItem extends ToastOptions {
  id: number;
  message: string;
  kind: ToastKind;
}

let items: ToastItem[] = [];
let nextId = 1;
const listeners = new Set<() => void>();

function emit() {
  listeners.forEach((listener) => listener());
}

export function dismissToast(id: number): void {
  if (!items.some((t) => t.id === id)) return;
  items = items.filter((t) => t.id !== id);
  emit();
}

/** Shows a toast; returns its id (for dismissToast). */
export function toast(message: string, kind: ToastKind = 'info', options: ToastOptions = {}): number {
  const id = nextId++;
  const kept = items.filter((t) => options.key === undefined || t.key !== options.key);
  items = [...kept.slice(-3), { id, message, kind, ...options }];
  emit();
  setTimeout(() => dismissToast(id), options.ms ?? (kind === 'error' ? 8000 : 4000));
  return id;
}

function subscribe(listener: () => void) {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

export function Toaster() {
  const list = useSyncExternalStore(subscribe, () => items);
  return (
    <div className="toast-stack">
      <div role="alert" aria-live="assertive" className="toast-region">
        {list.filter((t) => t.kind === 'error').map((t) => <ToastView key={t.id} toast={t} />)}
      </div>
      <div role="status" aria-live="polite" className="toast-region">
        {list.filter((t) => t.kind !== 'error').map((t) => <ToastView key={t.id} toast={t} />)}
      </div>
    </div>
  );
}

function ToastView({ toast: t }: { toast: ToastItem }) {
  return (
    <div className={`ld-toast ${t.kind}`}>
      <Icon name={t.kind === 'error' ? 'warning' : t.kind === 'success' ? 'check' : 'send'} className="ld-toast-icon" />
      <span className="ld-toast-text">{t.message}</span>
      {t.action ? (
        <button
          type="button"
          className="ld-toast-action"
          onClick={() => {
            dismissToast(t.id);
            t.action?.run();
          }}
        >
          {t.action.label}
        </button>
      ) : null}
      <button type="button" className="ld-toast-close" aria-label="Dismiss" onClick={() => dismissToast(t.id)}>
        <Icon name="x" size={14} />
      </button>
    </div>
  );
}
