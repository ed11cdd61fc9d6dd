import { setUndoSendSeconds, undoChoices, useUndoSendSeconds } from '../app/prefs.ts';
import { SectionHeader } from './Section.tsx';

/** This device's preferences (kept in the browser, not on the server). */
export function PreferencesSection() {
  const undo = useUndoSendSeconds();
  return (
    <section aria-labelledby="settings-section-title">
      <SectionHeader title="Preferences" description="How the desk behaves in this browser. Kept on this device only." />
      <div className="card st-card st-prefs">
        <div className="ui-field">
          <label htmlFor="pref-undo">Undo send</label>
          <select id="pref-undo" value={undo} onChange={(e) => setUndoSendSeconds(Number(e.target.value))} aria-describedby="pref-undo-hint">
            {undoChoices.map((s) => (
              <option key={s} value={s}>
                {s === 0 ? 'Off: send at once' : `Hold replies for ${s} seconds`}
              </option>
            ))}
          </select>
          <p id="pref-undo-hint" className="ui-field-hint">
            A reply to a customer waits this long, with an Undo button, before it is sent. Internal notes are never held.
          </p>
        </div>
      </div>
    </section>
  );
}
