import { type ReactNode, useEffect, useId, useRef, useState } from 'react';
import { Icon } from './Icon.tsx';
import './components.css';

const focusable = 'button:not([disabled]), [href], input:not([disabled]), select:not([disabled]), textarea:not([disabled]), [tabindex]:not([tabindex="-1"])';

export interface DialogProps {
  title: ReactNode;
  /** A line under the title. */
  description?: ReactNode;
  onClose: () => void;
  children: ReactNode;
  /** Buttons, right-aligned under the body. */
  footer?: ReactNode;
  size?: 'small' | 'medium' | 'large';
  /** Refuse Escape and outside clicks (e.g. while saving, or until a secret was acknowledged). */
  modal?: boolean;
}

/**
 * A modal dialog: focus moves inside on open (the first field, else the first button), Tab
 * stays inside, Escape or a click on the backdrop closes it, and focus returns where it was.
 */
export function Dialog({ title, description, onClose, children, footer, size = 'medium', modal = false }: DialogProps) {
  const ref = useRef<HTMLDivElement>(null);
  const titleId = useId();
  const descId = useId();
  // Read while rendering, before any autoFocus inside moves focus: where to return on close.
  const [previous] = useState(() => document.activeElement as HTMLElement | null);
  const closeRef = useRef(onClose);
  closeRef.current = onClose;

  useEffect(() => {
    const root = ref.current;
    // React's autoFocus has already run by now: only move focus when nothing inside has it.
    if (root && !root.contains(document.activeElement)) {
      const first = root.querySelector<HTMLElement>('input, select, textarea') ?? root.querySelector<HTMLElement>(focusable);
      first?.focus();
    }
    return () => previous?.focus?.();
  }, [previous]);

  function onKeyDown(event: React.KeyboardEvent) {
    if (event.key === 'Escape' && !modal) {
      event.stopPropagation();
      closeRef.current();
    }
    if (event.key !== 'Tab' || !ref.current) return;
    const items = [...ref.current.querySelectorAll<HTMLElement>(focusable)];
    const first = items[0];
    const last = items[items.length - 1];
    if (!first || !last) return;
    if (event.shiftKey && document.activeElement === first) {
      event.preventDefault();
      last.focus();
    } else if (!event.shiftKey && document.activeElement === last) {
      event.preventDefault();
      first.focus();
    }
  }

  return (
    <div className="overlay" onMouseDown={(e) => e.target === e.currentTarget && !modal && onClose()}>
      <div
        ref={ref}
        className={`card dialog ui-dialog ${size}`}
        role="dialog"
        aria-modal="true"
        aria-labelledby={titleId}
        aria-describedby={description ? descId : undefined}
        onKeyDown={onKeyDown}
      >
        <header className="ui-dialog-head">
          <div>
            <h2 id={titleId}>{title}</h2>
            {description ? (
              <p id={descId} className="muted small">
                {description}
              </p>
            ) : null}
          </div>
          {modal ? null : (
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
