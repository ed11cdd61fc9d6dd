import { type KeyboardEvent, type ReactNode, useEffect, useId, useRef, useState } from 'react';
import { Icon } from './Icon.tsx';
import './components.css';

const focusable =
  'a[href], button:not(:disabled), input:not(:disabled), select:not(:disabled), textarea:not(:disabled), [tabindex]:not([tabindex="-1"])';
const fields = 'input:not([type="hidden"]):not(:disabled), select:not(:disabled), textarea:not(:disabled)';

export interface DialogProps {
  /** The heading, and the dialog's accessible name. */
  title: ReactNode;
  /** A line under the title. */
  description?: ReactNode;
  /** Keep the title for screen readers only, and drop the close button (the command palette). */
  hideTitle?: boolean;
  onClose: () => void;
  children: ReactNode;
  /** Buttons, right-aligned under the body. */
  footer?: ReactNode;
  size?: 'small' | 'medium' | 'large';
  /** Refuse Escape and outside clicks (e.g. while saving, or until a secret was acknowledged). */
  modal?: boolean;
  /** Extra class on the card, for a dialog with its own layout. */
  className?: string;
}

/**
 * A modal dialog: focus moves inside on open (an autoFocus element, else the first field, else
 * the first control), Tab stays inside, Escape or a click on the backdrop closes it, and focus
 * returns where it was. Keys pressed inside never reach the page's shortcuts.
 */
export function Dialog({ title, description, hideTitle = false, onClose, children, footer, size = 'medium', modal = false, className }: DialogProps) {
  const ref = useRef<HTMLDivElement>(null);
  const titleId = useId();
  const descId = useId();
  // Read while rendering, before any autoFocus inside moves focus: where to return on close.
  const [previous] = useState(() => document.activeElement as HTMLElement | null);

  useEffect(() => {
    const root = ref.current;
    // React's autoFocus has already run by now: only move focus when nothing inside has it.
    if (root && !root.contains(document.activeElement)) {
      (root.querySelector<HTMLElement>(fields) ?? root.querySelector<HTMLElement>(focusable) ?? root).focus();
    }
    return () => {
      if (previous?.isConnected) previous.focus();
    };
  }, [previous]);

  function onKeyDown(event: KeyboardEvent<HTMLDivElement>) {
    // The page's shortcuts listen on window: while the dialog is open, its keys are its own.
    event.stopPropagation();
    if (event.key === 'Escape') {
      event.preventDefault();
      if (!modal) onClose();
      return;
    }
    if (event.key !== 'Tab' || !ref.current) return;
    const items = [...ref.current.querySelectorAll<HTMLElement>(focusable)];
    const first = items[0];
    const last = items[items.length - 1];
    if (!first || !last) {
      event.preventDefault();
      return;
    }
    const active = document.activeElement;
    if (event.shiftKey && (active === first || active === ref.current)) {
      event.preventDefault();
      last.focus();
    } else if (!event.shiftKey && active === last) {
      event.preventDefault();
      first.focus();
    }
  }

  return (
    <div
      className="overlay ui-overlay"
      onMouseDown={(e) => {
        if (e.target !== e.currentTarget) return;
        // Keep focus (and so the keys) inside, also when a modal dialog refuses to close.
        e.preventDefault();
        if (!modal) onClose();
      }}
    >
      <div
        ref={ref}
        className={['card dialog ui-dialog', size, className].filter(Boolean).join(' ')}
        role="dialog"
        aria-modal="true"
        aria-labelledby={titleId}
        aria-describedby={description ? descId : undefined}
        tabIndex={-1}
        onKeyDown={onKeyDown}
      >
        <header className={hideTitle ? 'visually-hidden' : 'ui-dialog-head'}>
          <div>
            <h2 id={titleId}>{title}</h2>
            {description ? (
              <p id={descId} className="muted small">
                {description}
              </p>
            ) : null}
          </div>
          {modal || hideTitle ? null : (
            <button type="button" className="ui-icon-button" aria-label="Close" onClick={onClose}>
              <Icon name="x" />
            </button>
          )}
        </header>
        <div className="ui-dialog-body">{children}</div>
        {footer ? <footer className="ui-dialog-foot">{footer}</footer> : null}
      </div>
    </div>
  );
}

export interface ConfirmDialogProps {
  title: string;
  children: ReactNode;
  confirmLabel: string;
  busy?: boolean;
  error?: string | null;
  onConfirm: () => void;
  onCancel: () => void;
}

/** "Are you sure?" for destructive actions; the confirm button is the danger colour. */
export function ConfirmDialog({ title, children, confirmLabel, busy, error, onConfirm, onCancel }: ConfirmDialogProps) {
  return (
    <Dialog
      title={title}
      size="small"
      onClose={onCancel}
      footer={
        <>
          <button type="button" onClick={onCancel} autoFocus>
            Cancel
          </button>
          <button type="button" className="ui-solid-danger" disabled={busy} onClick={onConfirm}>
            {busy ? 'Working…' : confirmLabel}
          </button>
        </>
      }
    >
      <div className="ui-confirm-body">{children}</div>
      {error ? (
        <p role="alert" className="error small">
          {error}
        </p>
      ) : null}
    </Dialog>
  );
}
