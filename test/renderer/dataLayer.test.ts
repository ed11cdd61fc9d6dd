import { describe, expect, it } from 'vitest';
import type { FeedEvent } from '../../renderer/src/api/types.ts';
import { queryKeys } from '../../renderer/src/api/queryKeys.ts';
import { keysForEvent } from '../../renderer/src/app/liveSync.ts';
import { allows } from '../../renderer/src/app/permissions.ts';
import { activityFromEvents, overtakenText, tagDiff } from '../../renderer/src/ticket/activity.ts';
import { syncLabel } from '../../renderer/src/app/SyncPill.tsx';

const ticket = (patch: Record<string, unknown>) => ({
  id: 'tkt_1',
  status: 'open',
  priority: 'medium',
  assignedTo: null,
  projectId: null,
  tags: [],
  subject: 'Printer',
  ...patch,
});

function event(id: string, type: string, data: unknown, actor: Partial<FeedEvent['actor']> = {}): FeedEvent {
  return { id, type, resourceType: 'ticket', resourceId: 'tkt_1', actor: { type: 'apiKey', id: 'key_1', userId: 'usr_1', ...actor }, data, createdAt: `2026-03-02T09:0${id.slice(-1)}:00.000Z` };
}

describe('the query-key registry', () => {
  it('puts every list page under one prefix and a ticket’s activity under the ticket', () => {
    expect(queryKeys.tickets.list({ status: 'open' }).slice(0, 1)).toEqual(queryKeys.tickets.lists);
    expect(queryKeys.tickets.activity('tkt_1').slice(0, 2)).toEqual(queryKeys.tickets.detail('tkt_1'));
    // The ETag is outside the ticket's family, so invalidating the ticket never drops it.
    expect(queryKeys.tickets.etag('tkt_1')[0]).not.toBe(queryKeys.tickets.detail('tkt_1')[0]);
  });

  it('is what live updates invalidate', () => {
    const keys = keysForEvent({ id: 'evt_1', type: 'ticket.updated', resourceType: 'ticket', resourceId: 'tkt_1', actor: { type: 'apiKey', id: 'key_1', userId: 'usr_1' }, data: {}, createdAt: '' });
    expect(keys).toContainEqual(queryKeys.tickets.lists);
    expect(keys).toContainEqual(queryKeys.tickets.detail('tkt_1'));
    const message = keysForEvent({ id: 'evt_2', type: 'message.created', resourceType: 'message', resourceId: 'msg_1', actor: { type: 'apiKey', id: 'key_1', userId: 'usr_1' }, data: { conversationId: 'conv_1' }, createdAt: '' });
    expect(message).toEqual([queryKeys.conversations.detail('conv_1'), queryKeys.conversations.lists]);
    expect(keysForEvent({ id: 'evt_3', type: 'user.updated', resourceType: 'user', resourceId: 'usr_1', actor: { type: 'apiKey', id: 'k', userId: 'usr_1' }, data: {}, createdAt: '' })).toEqual([queryKeys.users]);
  });
});

describe('permissions', () => {
  it('admin implies every scope; unknown scopes offer everything (the API still refuses)', () => {
    expect(allows(['admin'], 'tickets:write')).toBe(true);
    expect(allows(['tickets:read'], 'tickets:write')).toBe(false);
    expect(allows(['tickets:read'], 'tickets:read')).toBe(true);
    expect(allows(null, 'admin')).toBe(true);
  });
});

describe('activity from the event feed', () => {
  it('turns ticket events into lines with the value before and after', () => {
    const items = activityFromEvents([
      event('evt_3', 'ticket.updated', { ticket: ticket({ status: 'resolved', tags: ['vip'] }), changes: ['status', 'resolvedAt'] }),
      event('evt_1', 'ticket.created', { ticket: ticket({}) }),
      event('evt_2', 'ticket.updated', { ticket: ticket({ tags: ['vip'], assignedTo: 'usr_2' }), changes: ['tags', 'assignedTo'] }, { type: 'workflow', id: 'wfl_1', userId: null }),
    ]);
    expect(items.map((i) => i.changes.map((c) => [c.field, c.from, c.to]))).toEqual([
      [
        ['assignedTo', null, 'usr_2'],
        ['tags', [], ['vip']],
      ],
      [['status', 'open', 'resolved']],
    ]);
    expect(items[0]?.actor.type).toBe('workflow');
  });

  it('lists merges and leaves out changes nobody reads (resolvedAt, sla)', () => {
    const items = activityFromEvents([
      event('evt_1', 'ticket.updated', { ticket: ticket({}), changes: ['sla', 'firstResponseAt'] }),
      event('evt_2', 'ticket.merged', { ticket: ticket({}), sourceIds: ['tkt_9'] }),
    ]);
    expect(items).toHaveLength(1);
    expect(items[0]).toMatchObject({ kind: 'merged', sourceIds: ['tkt_9'] });
  });

  it('says when a change queued offline lost to a teammate’s (team sync)', () => {
    const items = activityFromEvents([
      event('evt_1', 'ticket.change_overtaken', { ticketId: 'tkt_1', field: 'priority', yourValue: 'high', theirValue: 'urgent', byUserId: 'usr_2', byName: 'Ada' }),
      event('evt_2', 'ticket.change_overtaken', { ticketId: 'tkt_1' }),
    ]);
    expect(items).toHaveLength(1);
    const [item] = items;
    expect(item?.kind).toBe('overtaken');
    expect(item?.actor.userId).toBe('usr_1');
    const text = overtakenText(item!.overtaken!, 'Your', 'Ada', (_field, v) => String(v));
    expect(text).toBe('Your change of priority to high was overtaken by Ada’s urgent');
  });

  it('diffs tag lists', () => {
    expect(tagDiff(['a', 'b'], ['b', 'c'])).toEqual({ added: ['c'], removed: ['a'] });
  });
});

describe('the sync pill', () => {
  it('says online, offline with the pending count, or syncing', () => {
    expect(syncLabel({ state: 'online', pending: 0 })).toBe('Online');
    expect(syncLabel({ state: 'offline', pending: 3 })).toBe('Offline · 3 pending');
    expect(syncLabel({ state: 'syncing', pending: 3 })).toBe('Syncing…');
  });
});
