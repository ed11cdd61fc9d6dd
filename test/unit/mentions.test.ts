import { describe, expect, it } from 'vitest';
import { mentionHandles, mentionedUsers } from '../../common/rules/mentions.ts';

const team = [
  { id: 'usr_1', name: 'Ada Lovelace', email: 'ada@example.com' },
  { id: 'usr_2', name: 'Grace Hopper', email: 'g.hopper@example.com' },
  { id: 'usr_3', name: 'Grace Kelly', email: 'kelly@example.com' },
];

describe('mentions', () => {
  it('reads handles after a space or punctuation, not inside an e-mail address', () => {
    expect(mentionHandles('@Ada, see (@g.hopper). Mail ada@example.com, cc @kelly.')).toEqual(['ada', 'g.hopper', 'kelly']);
    expect(mentionHandles('no mentions here, just a@b')).toEqual([]);
  });

  it('names users by e-mail local part, name without spaces, or a first name nobody shares', () => {
    const names = (text: string) => mentionedUsers(text, team).map((u) => u.id);
    expect(names('@ada')).toEqual(['usr_1']);
    expect(names('@AdaLovelace')).toEqual(['usr_1']);
    expect(names('@g.hopper and @GraceKelly')).toEqual(['usr_2', 'usr_3']);
    expect(names('@grace')).toEqual([]); // two Graces: ambiguous
    expect(names('@nobody')).toEqual([]);
  });
});
