import { type ReactNode, useState } from 'react';
import { ApiError } from '../api/client.ts';
import { messageOf } from '../components/formErrors.ts';
import { Icon } from '../components/Icon.tsx';

/** The title row of a settings section: what it is, in a sentence, and its main action. */
export function SectionHeader({ title, description, action }: { title: string; description: ReactNode; action?: ReactNode }) {
  return (
    <header className="st-head">
      <div>
        <h2 id="settings-section-title">{title}</h2>
        <p className="muted">{description}</p>
      </div>
      {action}
    </header>
  );
}

/**
 * A dismissible banner for a failed action (a 403 for a key without `admin`, the last-admin
 * 409, ...), with the API's own message. `report` is handed to mutations' onError.
 */
export function useNotice() {
  const [notice, setNotice] = useState<{ message: string; forbidden: boolean } | null>(null);
  const report = (err: unknown) =>
    setNotice({ message: messageOf(err), forbidden: err instanceof ApiError && err.status === 403 });
  const banner = notice ? (
    <div className={`st-notice ${notice.forbidden ? 'forbidden' : ''}`} role="alert">
      <Icon name={notice.forbidden ? 'shield' : 'warning'} />
      <span>
        {notice.forbidden ? <strong>Not allowed: </strong> : null}
        {notice.message}
      </span>
      <button type="button" className="ui-icon-button" aria-label="Dismiss" onClick={() => setNotice(null)}>
        <Icon name="x" size={14} />
      </button>
    </div>
  ) : null;
  return { report, banner, clear: () => setNotice(null) };
}

/** An on/off switch (a checkbox underneath, so it is labelled and keyboard-operable). */
export function Switch({ checked, onChange, label, disabled }: { checked: boolean; onChange: (on: boolean) => void; label: string; disabled?: boolean }) {
  return (
    <label className="st-switch" title={label}>
      <input type="checkbox" role="switch" checked={checked} disabled={disabled} aria-label={label} onChange={(e) => onChange(e.target.checked)} />
      <span aria-hidden="true" />
    </label>
  );
}
