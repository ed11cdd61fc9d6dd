// Pure shortcut logic: naming a key press, parsing bindings like "g i" or "mod+k", and matching
// key sequences. No DOM here, so it is unit-tested in node.

/** The parts of a KeyboardEvent the matcher reads. */
export interface KeyLike {
  key: string;
  ctrlKey: boolean;
  metaKey: boolean;
  altKey: boolean;
  shiftKey: boolean;
}

const modifierKeys = new Set(['Control', 'Meta', 'Shift', 'Alt', 'AltGraph', 'CapsLock', 'Dead']);

const aliases: Record<string, string> = {
  esc: 'escape',
  return: 'enter',
  cmd: 'mod',
  ctrl: 'mod',
  meta: 'mod',
  control: 'mod',
  space: ' ',
  down: 'arrowdown',
  up: 'arrowup',
};

/**
 * A key press as a binding token: `j`, `shift+j`, `?`, `/`, `escape`, `mod+k`, `mod+enter`.
 * Ctrl and Cmd are both `mod`. Shift is part of a printable non-letter (`?` not `shift+/`), so
 * bindings read the way the key cap does. Returns null for a lone modifier.
 */
export function keyName(e: KeyLike): string | null {
  if (modifierKeys.has(e.key) || e.key === '') return null;
  const printable = e.key.length === 1;
  const letter = printable && /[a-z]/i.test(e.key);
  const base = e.key.toLowerCase();
  const parts: string[] = [];
  if (e.ctrlKey || e.metaKey) parts.push('mod');
  if (e.altKey) parts.push('alt');
  if (e.shiftKey && (letter || !printable)) parts.push('shift');
  parts.push(base);
  return parts.join('+');
}

/** Normalises one token written by hand (`Ctrl+K`, `Esc`) to keyName's form. */
export function normalizeToken(token: string): string {
  const parts = token
    .trim()
    .toLowerCase()
    .split('+')
    .map((p) => aliases[p] ?? p);
  const key = parts.pop() ?? '';
  const order = ['mod', 'alt', 'shift'];
  const mods = order.filter((m) => parts.includes(m));
  return [...mods, key].join('+');
}

/** "g i" → ["g", "i"]; "mod+k" → ["mod+k"]; "?" → ["?"]. A lone space token is the space key. */
export function parseSequence(binding: string): string[] {
  if (binding === ' ') return [' '];
  return binding
    .trim()
    .split(/\s+/)
    .filter(Boolean)
    .map(normalizeToken);
}

/** How a binding is shown: `mod` as Ctrl or ⌘, each token as one key cap. */
export function displayKeys(binding: string, mac: boolean): string[][] {
  return parseSequence(binding).map((token) =>
    token.split('+').map((part) => {
      if (part === 'mod') return mac ? '⌘' : 'Ctrl';
      if (part === 'shift') return mac ? '⇧' : 'Shift';
      if (part === 'alt') return mac ? '⌥' : 'Alt';
      if (part === 'escape') return 'Esc';
      if (part === 'enter') return mac ? '↵' : 'Enter';
      if (part === ' ') return 'Space';
      return part.length === 1 ? part : part[0]?.toUpperCase() + part.slice(1);
    }),
  );
}

export interface SequenceBinding<T> {
  sequence: readonly string[];
  value: T;
}

export type FeedResult<T> = { kind: 'match'; value: T } | { kind: 'pending' } | { kind: 'none' };

/**
 * Matches key presses against multi-key bindings ("g i"). Keeps the keys typed so far while
 * they are the start of some binding, for at most `timeoutMs` between presses. The first
 * binding in the list wins a tie, so callers list the most specific (latest registered) first.
 */
export class SequenceMatcher {
  private buffer: string[] = [];
  private lastAt = 0;

  constructor(private readonly timeoutMs = 1200) {}

  get pending(): readonly string[] {
    return this.buffer;
  }

  reset(): void {
    this.buffer = [];
  }

  feed<T>(key: string, now: number, bindings: readonly SequenceBinding<T>[]): FeedResult<T> {
    const fresh = this.buffer.length > 0 && now - this.lastAt <= this.timeoutMs;
    const attempts = fresh ? [[...this.buffer, key], [key]] : [[key]];
    this.lastAt = now;
    for (const typed of attempts) {
      const exact = bindings.find((b) => sameKeys(b.sequence, typed));
      if (exact) {
        this.buffer = [];
        return { kind: 'match', value: exact.value };
      }
      if (bindings.some((b) => b.sequence.length > typed.length && startsWith(b.sequence, typed))) {
        this.buffer = typed;
        return { kind: 'pending' };
      }
    }
    this.buffer = [];
    return { kind: 'none' };
  }
}

function sameKeys(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((k, i) => k === b[i]);
}

function startsWith(sequence: readonly string[], prefix: readonly string[]): boolean {
  return prefix.every((k, i) => sequence[i] === k);
}
