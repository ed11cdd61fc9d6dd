// The app's one keydown listener: bindings register and unregister as pages mount, the most
// recently registered binding for a key wins, and keys typed into a text field, a select, a
// contenteditable or anywhere while a dialog is open are left alone (except the few bindings
// that allow it: Escape, Ctrl/Cmd+K, Ctrl/Cmd+Enter).
import { type KeyLike, SequenceMatcher, keyName, parseSequence } from './keys.ts';

export interface Binding {
  keys: string;
  run: (event: KeyboardEvent) => void;
  allowInInput?: boolean;
}

interface Registered {
  sequence: string[];
  binding: Binding;
}

/** Whether keys pressed with this element focused are text entry (and so not shortcuts). */
export function isTypingTarget(target: EventTarget | null): boolean {
  if (!target || typeof (target as Element).tagName !== 'string') return false;
  const el = target as HTMLElement;
  const tag = el.tagName;
  if (tag === 'TEXTAREA' || tag === 'SELECT') return true;
  if (tag === 'INPUT') {
    const type = (el as HTMLInputElement).type;
    return !['checkbox', 'radio', 'button', 'submit', 'reset', 'range', 'color'].includes(type);
  }
  return el.isContentEditable === true;
}

/** Whether the key belongs to a dialog: pressed inside one, or while a modal one is open. */
export function isDialogTarget(target: EventTarget | null): boolean {
  const el = target as HTMLElement | null;
  if (el && typeof el.closest === 'function' && el.closest('[role="dialog"], [role="alertdialog"], [aria-modal="true"]')) return true;
  return typeof document !== 'undefined' && document.querySelector('[aria-modal="true"]') !== null;
}

/** Enter and Space on a button or link belong to that control, not to a shortcut. */
function isActivationTarget(target: EventTarget | null, key: string): boolean {
  if (key !== 'enter' && key !== ' ') return false;
  const el = target as HTMLElement | null;
  if (!el || typeof el.closest !== 'function') return false;
  return el.closest('button, a[href], [role="button"], [role="tab"], input, summary') !== null;
}

export class ShortcutRegistry {
  private registered: Registered[] = [];
  private readonly matcher = new SequenceMatcher();

  add(binding: Binding): () => void {
    const entry = { sequence: parseSequence(binding.keys), binding };
    this.registered.push(entry);
    return () => {
      this.registered = this.registered.filter((r) => r !== entry);
    };
  }

  /** Handles one key press; returns true when a binding ran or a sequence is under way. */
  handle(event: KeyboardEvent & KeyLike, now = Date.now()): boolean {
    if (event.defaultPrevented || event.isComposing) return false;
    const key = keyName(event);
    if (!key) return false;
    if (isActivationTarget(event.target, key)) return false;
    const typing = isTypingTarget(event.target) || isDialogTarget(event.target);
    const eligible = this.registered
      .filter((r) => !typing || r.binding.allowInInput)
      .reverse()
      .map((r) => ({ sequence: r.sequence, value: r.binding }));
    const result = this.matcher.feed(key, now, eligible);
    if (result.kind === 'none') return false;
    event.preventDefault();
    if (result.kind === 'match') result.value.run(event);
    return true;
  }
}
