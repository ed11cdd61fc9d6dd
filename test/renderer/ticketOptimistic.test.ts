import { describe, expect, it } from 'vitest';
import type { Ticket } from '../../renderer/src/api/types.ts';
import { applyChange, applyToRows, fieldsOf, isNoop, normalizeTags, rollbackChange, toPatchBody } from '../../renderer/src/ticket/optimistic.ts';

const now = '2026-03-02T09:30:00.000Z';
function ticket(patch: Partial<Ticket> = {}): Ticket {
  return {
    id: 'tkt_1',
    number: 1,
    subject: 'Printer on fire',
    description: 'Smoke',
    status: 'open',
    priority: 'medium',
    contactId: 'ctc_1',
    contactEmail: 'a@example.com',
    assignedTo: null,
    projectId: null,
    tags: ['billing'],
    conversationId: null,
    sla: { firstResponseDueAt: '2026-03-02T17:00:00.000Z', resolutionDueAt: '2026-03-04T09:00:00.000Z', breached: false },
    firstResponseAt: null,
    resolvedAt: null,
    createdAt: '2026-03-02T09:00:00.000Z',
    updatedAt: '2026-03-02T09:00:00.000Z',
    externalId: null,
    ...patch,
  };
}

describe('applyChange', () => {
  it('resolving sets resolvedAt; a second resolve keeps the first time; reopening clears it', () => {
    const resolved = applyChange(ticket(), { status: 'resolved' }, now);
    expect(resolved).toMatchObject({ status: 'resolved', resolvedAt: now });
    expect(applyChange(resolved, { status: 'closed' }, '2026-03-03T00:00:00.000Z').resolvedAt).toBe(now);
    expect(applyChange(resolved, { status: 'open' }, now)).toMatchObject({ status: 'open', resolvedAt: null });
  });

  it('sets priority, assignee and project, and leaves the original untouched', () => {
    const original = ticket();
    const next = applyChange(original, { priority: 'urgent', assignedTo: 'usr_1', projectId: 'prj_1' }, now);
    expect(next).toMatchObject({ priority: 'urgent', assignedTo: 'usr_1', projectId: 'prj_1' });
    expect(original).toMatchObject({ priority: 'medium', assignedTo: null, projectId: null });
  });

  it('adds, removes and replaces tags the way the server keeps them (lower-case, unique, sorted)', () => {
    expect(applyChange(ticket(), { addTags: ['VIP ', 'billing'] }, now).tags).toEqual(['billing', 'vip']);
    expect(applyChange(ticket({ tags: ['a', 'b'] }), { removeTags: ['A'] }, now).tags).toEqual(['b']);
    expect(applyChange(ticket(), { tags: ['z', 'y', 'z'] }, now).tags).toEqual(['y', 'z']);
    expect(normalizeTags([' X ', 'x', ''])).toEqual(['x']);
  });

  it('knows when a change would alter nothing', () => {
    expect(isNoop(ticket({ priority: 'high' }), { priority: 'high' })).toBe(true);
    expect(isNoop(ticket(), { addTags: ['billing'] })).toBe(true);
    expect(isNoop(ticket(), { status: 'pending' })).toBe(false);
  });
});

describe('rollbackChange', () => {
  it('puts back exactly the fields the refused change wrote', () => {
    const before = ticket({ assignedTo: 'usr_old' });
    const change = { assignedTo: 'usr_gone' };
    const optimistic = applyChange(before, change, now);
    const rolledBack = rollbackChange(optimistic, before, change, optimistic);
    expect(rolledBack.assignedTo).toBe('usr_old');
    expect(fieldsOf(change)).toEqual(['assignedTo']);
  });

  it('leaves a field alone when something newer replaced the optimistic value', () => {
    const before = ticket();
    const change = { status: 'resolved' as const, priority: 'high' as const };
    const optimistic = applyChange(before, change, now);
    // A refetch brought someone else's priority in the meantime.
    const current = { ...optimistic, priority: 'low' as const };
    const rolledBack = rollbackChange(current, before, change, optimistic);
    expect(rolledBack).toMatchObject({ status: 'open', resolvedAt: null, priority: 'low' });
  });

  it('undoes one of two queued changes without touching the other', () => {
    const start = ticket();
    const first = applyChange(start, { priority: 'urgent' }, now);
    const second = applyChange(first, { status: 'pending' }, now);
    // The first is refused: priority goes back, the pending status stays.
    const rolledBack = rollbackChange(second, start, { priority: 'urgent' }, first);
    expect(rolledBack).toMatchObject({ priority: 'medium', status: 'pending' });
  });

  it('returns the same object when nothing is rolled back', () => {
    const current = ticket({ priority: 'low' });
    expect(rollbackChange(current, ticket(), { priority: 'high' }, ticket({ priority: 'high' }))).toBe(current);
  });
});

describe('toPatchBody and list rows', () => {
  it('sends only the changed fields; tag additions become the whole set PATCH expects', () => {
    expect(toPatchBody(ticket(), { status: 'resolved' })).toEqual({ status: 'resolved' });
    expect(toPatchBody(ticket(), { assignedTo: null })).toEqual({ assignedTo: null });
    expect(toPatchBody(ticket(), { addTags: ['vip'] })).toEqual({ tags: ['billing', 'vip'] });
    expect(toPatchBody(ticket(), { removeTags: ['billing'] })).toEqual({ tags: [] });
  });

  it('changes only the given rows of a page, and returns the same page when none is there', () => {
    const rows = [ticket({ id: 'a' }), ticket({ id: 'b' })];
    const next = applyToRows(rows, new Set(['b']), { status: 'resolved' }, now);
    expect(next[0]).toBe(rows[0]);
    expect(next[1]?.status).toBe('resolved');
    expect(applyToRows(rows, new Set(['zzz']), { status: 'resolved' }, now)).toBe(rows);
  });
});
