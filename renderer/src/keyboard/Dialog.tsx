import { type KeyboardEvent, type ReactNode, useEffect, useId, useRef } from 'react';

export interface DialogProps {
  title: string;
  /** Hide the visible heading (the dialog is still labelled by it). */
  hideTitle?: boolean;
  onClose: () => void;
  children: ReactNode;
  className?: string;
}

const focusable =
  'a[href], button:not(:disabled), input:not(:disabled), select:not(:disabled), textarea:not(:disabled), [tabindex]:not([tabindex="-1"])';

/**
 * A modal dialog: focus moves in (to the first field, or the first control), Tab cycles inside,
 * Escape or a click on the backdrop closes it, focus returns where it was. Keys pressed inside
 * never reach the page's shortcuts.
 */
export function Dialog({ title, hideTitle, onClose, children, className }: DialogProps) {
  const ref = useRef<HTMLDivElement>(null);
  const titleId = useId();

  useEffect(() => {
    const before = document.activeElement as HTMLElement | null;
    const root = ref.current;
    const first = root?.querySelector<HTMLElement>('[data-autofocus], input, textarea, select') ??
      root?.querySelector<HTMLElement>(focusable);
    (first ?? root)?.focus();
    return () => {
      if (before && document.contains(before)) before.focus();
    };
  }, []);

  function onKeyDown(event: KeyboardEvent<HTMLDivElement>) {
    event.stopPropagation();
    if (event.key === 'Escape') {
      event.preventDefault();
      onClose();
      return;
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
    <div className="overlay ld-overlay" onMouseDown={(e) => e.target === e.currentTarget && onClose()}>
      <div
        ref={ref}
        role="dialog"
        aria-modal="true"
        aria-labelledby={titleId}
        tabIndex={-1}
        className={`card dialog ld-dialog ${className ?? ''}`}
        onKeyDown={onKeyDown}
      >
        <h2 id={titleId} className={hideTitle ? 'visually-hidden' : undefined}>
          {title}
        </h2>
        {children}
        {hideTitle ? null : (
          <button type="button" className="dialog-close" aria-label="Close" onClick={onClose}>
            ×
          </button>
        )}
      </div>
    </div>
  );
}
