import { describe, expect, it } from 'vitest';
import { guessMapping, parseValueMap } from '../../renderer/src/settings/csvMapping.ts';

describe('guessMapping', () => {
  it('maps another tool\'s header names to the fields, each column once', () => {
    const header = ['Issue key', 'Summary', 'Description', 'Status', 'Priority', 'Labels', 'Reporter Email', 'Reporter', 'Organization', 'Assignee', 'Created', 'Updated'];
    expect(guessMapping(header)).toEqual({
      externalId: 'Issue key',
      subject: 'Summary',
      body: 'Description',
      status: 'Status',
      priority: 'Priority',
      tags: 'Labels',
      requesterEmail: 'Reporter Email',
      requesterName: 'Reporter',
      company: 'Organization',
      assignee: 'Assignee',
      createdAt: 'Created',
      updatedAt: 'Updated',
    });
  });

  it('leaves fields it cannot place unmapped', () => {
    expect(guessMapping(['foo', 'Title'])).toEqual({ subject: 'Title' });
  });
});

describe('parseValueMap', () => {
  it('reads word = value pairs separated by semicolons or lines', () => {
    expect(parseValueMap('Waiting for customer = pending; Escalated=open\nWon\'t Fix = closed', ['open', 'pending', 'closed'])).toEqual({
      values: { 'Waiting for customer': 'pending', Escalated: 'open', "Won't Fix": 'closed' },
      error: null,
    });
  });

  it('names an entry it cannot read instead of dropping it', () => {
    expect(parseValueMap('Frozen = iced', ['open', 'closed']).error).toBe('"iced" is not one of open, closed');
    expect(parseValueMap('just words', ['open']).error).toBe('"just words" is not word = value');
  });
});
