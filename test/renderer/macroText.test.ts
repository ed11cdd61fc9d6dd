import { describe, expect, it } from 'vitest';
import { insertAt, parseTagList, placeholders, renderPreview } from '../../renderer/src/settings/macroText.ts';

describe('insertAt', () => {
  it('inserts at the caret and puts the caret after the insert', () => {
    expect(insertAt('Hi !', 3, 3, '{{contact.name}}')).toEqual({ text: 'Hi {{contact.name}}!', caret: 19 });
  });

  it('replaces a selection', () => {
    expect(insertAt('abc', 1, 2, 'X')).toEqual({ text: 'aXc', caret: 2 });
  });

  it('clamps a stale selection to the text', () => {
    expect(insertAt('ab', 10, 12, 'X')).toEqual({ text: 'abX', caret: 3 });
    expect(insertAt('ab', 2, 0, 'X')).toEqual({ text: 'abX', caret: 3 });
  });
});

describe('renderPreview', () => {
  it('fills the three placeholders, spaces inside braces allowed, and leaves others alone', () => {
    const text = 'Hi {{ contact.name }}, re {{ticket.id}}. — {{agent.name}} {{other}}';
    expect(renderPreview(text, { contact: 'Dana', ticket: 'tkt_1', agent: 'Ana' })).toBe('Hi Dana, re tkt_1. — Ana {{other}}');
  });

  it('documents exactly the placeholders the server fills', () => {
    expect(placeholders.map((p) => p.token)).toEqual(['{{contact.name}}', '{{ticket.number}}', '{{ticket.id}}', '{{agent.name}}']);
  });
});

describe('parseTagList', () => {
  it('trims, lower-cases, drops empties and repeats', () => {
    expect(parseTagList('billing, Refund ,, vip,billing')).toEqual(['billing', 'refund', 'vip']);
    expect(parseTagList('  ')).toEqual([]);
  });
});
