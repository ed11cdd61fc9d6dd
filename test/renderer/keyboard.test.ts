import { describe, expect, it } from 'vitest';
import { shortcuts } from '../../renderer/src/keyboard/catalog.ts';
import { fuzzyFilter, fuzzyScore } from '../../renderer/src/keyboard/fuzzy.ts';
import { type KeyLike, SequenceMatcher, displayKeys, keyName, normalizeToken, parseSequence } from '../../renderer/src/keyboard/keys.ts';
import { ShortcutRegistry, isTypingTarget } from '../../renderer/src/keyboard/registry.ts';

const press = (key: string, mods: Partial<KeyLike> = {}): KeyLike => ({
  key,
  ctrlKey: false,
  metaKey: false,
  altKey: false,
  shiftKey: false,
  ...mods,
});

describe('keyName', () => {
  it('names plain letters, shifted letters and printable symbols the way bindings are written', () => {
    expect(keyName(press('j'))).toBe('j');
    expect(keyName(press('J', { shiftKey: true }))).toBe('shift+j');
    expect(keyName(press('?', { shiftKey: true }))).toBe('?');
    expect(keyName(press('/'))).toBe('/');
  });

  it('treats Ctrl and Cmd alike as mod, and names special keys in lower case', () => {
    expect(keyName(press('k', { ctrlKey: true }))).toBe('mod+k');
    expect(keyName(press('k', { metaKey: true }))).toBe('mod+k');
    expect(keyName(press('Enter', { metaKey: true }))).toBe('mod+enter');
    expect(keyName(press('Escape'))).toBe('escape');
    expect(keyName(press('Enter', { shiftKey: true }))).toBe('shift+enter');
  });

  it('ignores a lone modifier', () => {
    expect(keyName(press('Shift', { shiftKey: true }))).toBeNull();
    expect(keyName(press('Control', { ctrlKey: true }))).toBeNull();
  });
});

describe('parseSequence', () => {
  it('splits sequences on spaces and normalises aliases and modifier order', () => {
    expect(parseSequence('g i')).toEqual(['g', 'i']);
    expect(parseSequence('mod+k')).toEqual(['mod+k']);
    expect(parseSequence('Ctrl+Enter')).toEqual(['mod+enter']);
    expect(parseSequence('Esc')).toEqual(['escape']);
    expect(normalizeToken('shift+cmd+K')).toBe('mod+shift+k');
  });

  it('parses every binding in the catalog to tokens keyName can produce', () => {
    for (const spec of Object.values(shortcuts)) {
      for (const token of parseSequence(spec.keys)) expect(token).toMatch(/^(mod\+)?(alt\+)?(shift\+)?[a-z?/]+$/);
    }
  });

  it('shows mod as Ctrl or ⌘ per platform', () => {
    expect(displayKeys('mod+k', false)).toEqual([['Ctrl', 'k']]);
    expect(displayKeys('mod+k', true)).toEqual([['⌘', 'k']]);
    expect(displayKeys('g i', false)).toEqual([['g'], ['i']]);
    expect(displayKeys('escape', false)).toEqual([['Esc']]);
  });
});

describe('SequenceMatcher', () => {
  const bindings = [
    { sequence: ['g', 'i'], value: 'inbox' },
    { sequence: ['g', 'c'], value: 'conversations' },
    { sequence: ['j'], value: 'next' },
    { sequence: ['mod+k'], value: 'palette' },
  ];

  it('matches "g i" when i follows g within the timeout', () => {
    const m = new SequenceMatcher(1000);
    expect(m.feed('g', 0, bindings)).toEqual({ kind: 'pending' });
    expect(m.feed('i', 500, bindings)).toEqual({ kind: 'match', value: 'inbox' });
  });

  it('forgets a started sequence after the timeout', () => {
    const m = new SequenceMatcher(1000);
    m.feed('g', 0, bindings);
    expect(m.feed('i', 1500, bindings)).toEqual({ kind: 'none' });
  });

  it('falls back to a single-key binding when the sequence does not continue', () => {
    const m = new SequenceMatcher(1000);
    m.feed('g', 0, bindings);
    expect(m.feed('j', 100, bindings)).toEqual({ kind: 'match', value: 'next' });
    expect(m.pending).toEqual([]);
  });

  it('matches single keys and chords at once, and reports unbound keys', () => {
    const m = new SequenceMatcher();
    expect(m.feed('j', 0, bindings)).toEqual({ kind: 'match', value: 'next' });
    expect(m.feed('mod+k', 10, bindings)).toEqual({ kind: 'match', value: 'palette' });
    expect(m.feed('z', 20, bindings)).toEqual({ kind: 'none' });
  });

  it('lets the first listed binding win a tie (the most recently registered)', () => {
    const m = new SequenceMatcher();
    const tied = [
      { sequence: ['e'], value: 'ticket' },
      { sequence: ['e'], value: 'inbox' },
    ];
    expect(m.feed('e', 0, tied)).toEqual({ kind: 'match', value: 'ticket' });
  });
});

/** A KeyboardEvent-shaped object: the registry reads only these fields. */
function keyEvent(key: string, target: unknown, mods: Partial<KeyLike> = {}) {
  let prevented = false;
  return {
    ...press(key, mods),
    target,
    isComposing: false,
    get defaultPrevented() {
      return prevented;
    },
    preventDefault() {
      prevented = true;
    },
  } as unknown as KeyboardEvent;
}

const body = { tagName: 'BODY', isContentEditable: false, closest: () => null };
const input = { tagName: 'INPUT', type: 'text', isContentEditable: false, closest: () => null };
const button = { tagName: 'BUTTON', isContentEditable: false, closest: () => ({}) };

describe('ShortcutRegistry', () => {
  it('runs the latest registered binding, and the earlier one again once that is removed', () => {
    const registry = new ShortcutRegistry();
    const ran: string[] = [];
    registry.add({ keys: 'e', run: () => ran.push('inbox') });
    const remove = registry.add({ keys: 'e', run: () => ran.push('ticket') });
    registry.handle(keyEvent('e', body));
    remove();
    registry.handle(keyEvent('e', body));
    expect(ran).toEqual(['ticket', 'inbox']);
  });

  it('ignores keys typed into a field, except bindings that allow it (Escape, mod+k)', () => {
    const registry = new ShortcutRegistry();
    const ran: string[] = [];
    registry.add({ keys: 'j', run: () => ran.push('j') });
    registry.add({ keys: 'mod+k', allowInInput: true, run: () => ran.push('palette') });
    registry.add({ keys: 'escape', allowInInput: true, run: () => ran.push('escape') });
    expect(registry.handle(keyEvent('j', input))).toBe(false);
    registry.handle(keyEvent('k', input, { ctrlKey: true }));
    registry.handle(keyEvent('Escape', input));
    expect(ran).toEqual(['palette', 'escape']);
  });

  it('ignores single keys pressed inside a dialog, but not the ones that allow it', () => {
    const registry = new ShortcutRegistry();
    const ran: string[] = [];
    registry.add({ keys: 'e', run: () => ran.push('resolve') });
    registry.add({ keys: 'mod+k', allowInInput: true, run: () => ran.push('palette') });
    const inDialog = { tagName: 'DIV', isContentEditable: false, closest: (sel: string) => (sel.includes('dialog') ? {} : null) };
    expect(registry.handle(keyEvent('e', inDialog))).toBe(false);
    registry.handle(keyEvent('k', inDialog, { ctrlKey: true }));
    expect(ran).toEqual(['palette']);
  });

  it('leaves Enter on a focused button to the button', () => {
    const registry = new ShortcutRegistry();
    const ran: string[] = [];
    registry.add({ keys: 'enter', run: () => ran.push('open') });
    expect(registry.handle(keyEvent('Enter', button))).toBe(false);
    expect(registry.handle(keyEvent('Enter', body))).toBe(true);
    expect(ran).toEqual(['open']);
  });

  it('prevents the default action of a matched key and of a started sequence', () => {
    const registry = new ShortcutRegistry();
    registry.add({ keys: 'g i', run: () => undefined });
    const g = keyEvent('g', body);
    registry.handle(g, 0);
    expect(g.defaultPrevented).toBe(true);
  });

  it('knows which targets are text entry', () => {
    const el = (fields: Record<string, unknown>) => fields as unknown as EventTarget;
    expect(isTypingTarget(el(input))).toBe(true);
    expect(isTypingTarget(el({ tagName: 'INPUT', type: 'checkbox' }))).toBe(false);
    expect(isTypingTarget(el({ tagName: 'TEXTAREA' }))).toBe(true);
    expect(isTypingTarget(el({ tagName: 'DIV', isContentEditable: true }))).toBe(true);
    expect(isTypingTarget(el(body))).toBe(false);
    expect(isTypingTarget(null)).toBe(false);
  });
});

describe('fuzzy filtering for the palette', () => {
  it('requires the query characters in order', () => {
    expect(fuzzyScore('gti', 'Go to inbox')).not.toBeNull();
    expect(fuzzyScore('xyz', 'Go to inbox')).toBeNull();
  });

  it('ranks word-start matches first', () => {
    const titles = ['Assign this ticket to me', 'Go to inbox', 'Go to settings'];
    expect(fuzzyFilter('inb', titles, (t) => t)[0]?.item).toBe('Go to inbox');
    expect(fuzzyFilter('gs', titles, (t) => t)[0]?.item).toBe('Go to settings');
  });

  it('keeps the given order for an empty query', () => {
    expect(fuzzyFilter('', ['b', 'a'], (t) => t).map((s) => s.item)).toEqual(['b', 'a']);
  });
});
