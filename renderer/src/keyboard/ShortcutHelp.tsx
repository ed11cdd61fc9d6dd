import { Dialog } from '../components/Dialog.tsx';
import { type ShortcutSpec, shortcutGroups, shortcuts } from './catalog.ts';
import { Keys } from './Keys.tsx';

const all: ShortcutSpec[] = Object.values(shortcuts);

/** The "?" dialog: every shortcut in the catalog, by group. */
export function ShortcutHelp({ onClose }: { onClose: () => void }) {
  return (
    <Dialog title="Keyboard shortcuts" size="large" onClose={onClose}>
      <div className="shortcut-columns">
        {shortcutGroups.map((group) => (
          <section key={group} aria-label={group}>
            <h3>{group}</h3>
            <dl>
              {all
                .filter((s) => s.group === group)
                .map((s) => (
                  <div key={`${s.group}-${s.keys}`} className="shortcut-row">
                    <dt>{s.description}</dt>
                    <dd>
                      <Keys keys={s.keys} />
                    </dd>
                  </div>
                ))}
            </dl>
          </section>
        ))}
      </div>
      <p className="muted small">Single-key shortcuts pause while you type in a field or a dialog is open; Esc, Ctrl/⌘ K and Ctrl/⌘ Enter still work.</p>
    </Dialog>
  );
}
