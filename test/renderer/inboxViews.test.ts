import { describe, expect, it } from 'vitest';
import {
  type InboxFilters,
  isFiltered,
  noFilters,
  sameFilters,
  savedViews,
  toTicketQuery,
  viewById,
  viewCountQuery,
} from '../../renderer/src/inbox/views.ts';

const me = 'usr_01ME00000000000000000000AA';
const newest = { sortBy: 'createdAt', sortOrder: 'desc' } as const;

describe('saved views → GET /tickets parameters', () => {
  it('"My open" is my open and pending tickets', () => {
    expect(toTicketQuery(viewById('mine').filters, newest, me)).toEqual({
      sortBy: 'createdAt',
      sortOrder: 'desc',
      status: 'open,pending',
      assignedTo: me,
    });
  });

  it('"Unassigned" asks for assignedTo=none', () => {
    expect(toTicketQuery(viewById('unassigned').filters, newest, me)).toMatchObject({
      status: 'open,pending',
      assignedTo: 'none',
    });
  });

  it('"Urgent" is open and pending urgent tickets, anyone’s', () => {
    const query = toTicketQuery(viewById('urgent').filters, newest, me);
    expect(query).toMatchObject({ status: 'open,pending', priority: 'urgent' });
    expect(query.assignedTo).toBeUndefined();
  });

  it('"SLA breaching" asks the API for exactly the breached open and pending tickets, longest waiting first', () => {
    const view = viewById('sla');
    expect(toTicketQuery(view.filters, view.sort, me)).toEqual({
      sortBy: 'createdAt',
      sortOrder: 'asc',
      status: 'open,pending',
      sla: 'breached',
    });
    expect(viewCountQuery(view, me)).toMatchObject({ sla: 'breached', status: 'open,pending', limit: 1 });
  });

  it('"All" sends no filter at all', () => {
    expect(toTicketQuery(viewById('all').filters, newest, me)).toEqual({ sortBy: 'createdAt', sortOrder: 'desc' });
  });

  it('counts each view with one cheap limit=1 request', () => {
    for (const view of savedViews) {
      expect(viewCountQuery(view, me)).toMatchObject({ limit: 1, offset: 0 });
    }
    expect(viewCountQuery(viewById('mine'), me).assignedTo).toBe(me);
  });
});

describe('filters → parameters', () => {
  const filters = (patch: Partial<InboxFilters>): InboxFilters => ({ ...noFilters, ...patch });

  it('joins several statuses and priorities with commas, in a fixed order, so query keys are stable', () => {
    const a = toTicketQuery(filters({ status: ['pending', 'open'], priority: ['low', 'urgent'] }), newest, me);
    const b = toTicketQuery(filters({ status: ['open', 'pending'], priority: ['urgent', 'low'] }), newest, me);
    expect(a).toEqual(b);
    expect(a.status).toBe('open,pending');
    expect(a.priority).toBe('urgent,low');
  });

  it('drops a filter that selects every value (it filters nothing)', () => {
    const query = toTicketQuery(filters({ status: ['open', 'pending', 'resolved', 'closed'] }), newest, me);
    expect(query.status).toBeUndefined();
  });

  it('maps the assignee: me → my id, none → none, a user id as is, anyone → nothing', () => {
    expect(toTicketQuery(filters({ assignee: 'me' }), newest, me).assignedTo).toBe(me);
    expect(toTicketQuery(filters({ assignee: 'none' }), newest, me).assignedTo).toBe('none');
    expect(toTicketQuery(filters({ assignee: 'usr_OTHER' }), newest, me).assignedTo).toBe('usr_OTHER');
    expect(toTicketQuery(filters({ assignee: 'any' }), newest, me).assignedTo).toBeUndefined();
  });

  it('passes project, tag and trimmed search; blank search is no search', () => {
    const query = toTicketQuery(filters({ projectId: 'prj_1', tag: 'vip', search: '  refund  ' }), { sortBy: 'priority', sortOrder: 'asc' }, me);
    expect(query).toEqual({ sortBy: 'priority', sortOrder: 'asc', projectId: 'prj_1', tag: 'vip', search: 'refund' });
    expect(toTicketQuery(filters({ search: '   ' }), newest, me).search).toBeUndefined();
  });

  it('compares filters regardless of order and surrounding spaces', () => {
    expect(sameFilters(filters({ status: ['pending', 'open'], search: ' x' }), filters({ status: ['open', 'pending'], search: 'x' }))).toBe(true);
    expect(sameFilters(filters({ tag: 'a' }), filters({ tag: 'b' }))).toBe(false);
    expect(isFiltered(noFilters)).toBe(false);
    expect(isFiltered(filters({ priority: ['high'] }))).toBe(true);
  });
});
