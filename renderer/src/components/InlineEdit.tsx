import { type KeyboardEvent, useEffect, useRef, useState } from 'react';
import { Icon } from './Icon.tsx';
import './components.css';

export interface InlineEditProps {
  /** Accessible name of the field, e.g. "Name". */
  label: string;
  value: string;
  placeholder?: string;
  /** Resolves when saved; rejects with the message to show under the field. */
  onSave: (next: string) => Promise<void>;
  error?: string | null;
  type?: 'text' | 'email';
  className?: string;
  /** Shown as plain text: the key may not change it (the reason goes in the title). */
  readOnlyReason?: string;
}

/** Text that turns into an input on click; Enter or blur saves, Escape cancels. */
export function InlineEdit({ label, value, placeholder, onSave, error, type = 'text', className, readOnlyReason }: InlineEditProps) {
  const [editing, setEditing] = useState(false);
  const [draft, setDraft] = useState(value);
  const [saving, setSaving] = useState(false);
  const input = useRef<HTMLInputElement>(null);

  useEffect(() => {
    if (!editing) setDraft(value);
  }, [value, editing]);
  useEffect(() => {
    if (editing) input.current?.select();
  }, [editing]);

  async function commit() {
    if (saving) return;
    if (draft.trim() === value.trim()) return setEditing(false);
    setSaving(true);
    try {
      await onSave(draft.trim());
      setEditing(false);
    } catch {
      // The parent shows the error; stay in edit mode so the text can be fixed.
      input.current?.focus();
    } finally {
      setSaving(false);
    }
  }

  function onKeyDown(event: KeyboardEvent<HTMLInputElement>) {
    if (event.key === 'Enter') {
      event.preventDefault();
      void commit();
    } else if (event.key === 'Escape') {
      event.stopPropagation();
      setDraft(value);
      setEditing(false);
    }
  }

  if (readOnlyReason) {
    return (
      <span className={`ui-inline ${className ?? ''}`} title={readOnlyReason}>
        {value || <span className="muted">—</span>}
      </span>
    );
  }
  if (!editing) {
    return (
      <span className={`ui-inline ${className ?? ''}`}>
        <button type="button" className="ui-inline-value" onClick={() => setEditing(true)} aria-label={`Edit ${label}: ${value || 'empty'}`}>
          {value ? <span>{value}</span> : <span className="muted">{placeholder ?? 'Add…'}</span>}
          <Icon name="edit" size={13} className="ui-inline-pen" />
        </button>
        {error ? (
          <span className="ui-field-error" role="alert">
            {error}
          </span>
        ) : null}
      </span>
    );
  }
  return (
    <span className={`ui-inline editing ${className ?? ''}`}>
      <input
        ref={input}
        type={type}
        aria-label={label}
        value={draft}
        placeholder={placeholder}
        disabled={saving}
        aria-invalid={error ? true : undefined}
        onChange={(e) => setDraft(e.target.value)}
        onKeyDown={onKeyDown}
        onBlur={() => void commit()}
      />
      {error ? (
        <span className="ui-field-error" role="alert">
          {error}
        </span>
      ) : null}
    </span>
  );
}
