// A tiny toast queue outside React state, so any handler can call toast() without a provider;
// <Toaster /> renders it (each page that toasts renders one).
import { useSyncExternalStore } from 'react';
import { Icon } from './Icon.tsx';
import './components.css';

interface ToastItem {
  id: number;
  message: string;
  kind: 'info' | 'success' | 'error';
}

let items: ToastItem[] = [];
let nextId = 1;
const listeners = new Set<() => void>();

function emit() {
  for (const listener of listeners) listener();
}

export function toast(message: string, kind: ToastItem['kind'] = 'info', ms = kind === 'error' ? 6000 : 3500): void {
  const id = nextId++;
  items = [...items.slice(-2), { id, message, kind }];
  emit();
  setTimeout(() => dismiss(id), ms);
}

function dismiss(id: number) {
  items = items.filter((t) => t.id !== id);
  emit();
}

function subscribe(listener: () => void) {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

export function Toaster() {
  const list = useSyncExternalStore(subscribe, () => items);
  return (
    <div className="ui-toasts" role="status" aria-live="polite">
      {list.map((t) => (
        <div key={t.id} className={`ui-toast ${t.kind}`}>
          <Icon name={t.kind === 'error' ? 'warning' : 'check'} />
          <span>{t.message}</span>
          <button type="button" className="ui-icon-button" aria-label="Dismiss" onClick={() => dismiss(t.id)}>
            <Icon name="x" size={14} />
          </button>
        </div>
      ))}
    </div>
  );
}
