import { describe, expect, it } from 'vitest';
import { fromWorkflow, parseValue, toBody } from '../../renderer/src/settings/workflowForm.ts';
import { fromServerView, matchingView, noFilters, savedViews, toServerFilters } from '../../renderer/src/inbox/views.ts';

describe('the workflow form', () => {
  it('reads typed values as JSON when they look like it, else as text', () => {
    expect(parseValue('3')).toBe(3);
    expect(parseValue('true')).toBe(true);
    expect(parseValue('"3"')).toBe('3');
    expect(parseValue(' urgent ')).toBe('urgent');
  });

  it('makes the API body: comma lists for "is one of", null for unassign', () => {
    const body = toBody({
      name: 'Escalate',
      trigger: 'ticket.created',
      conditions: [
        { field: 'ticket.priority', op: 'in', value: 'urgent, high' },
        { field: 'ticket.subject', op: 'contains', value: 'refund' },
      ],
      actions: [
        { type: 'assign', value: '' },
        { type: 'add_tag', value: 'escalated' },
      ],
      active: true,
    });
    expect(body.conditions).toEqual([
      { field: 'ticket.priority', op: 'in', value: ['urgent', 'high'] },
      { field: 'ticket.subject', op: 'contains', value: 'refund' },
    ]);
    expect(body.actions).toEqual([
      { type: 'assign', value: null },
      { type: 'add_tag', value: 'escalated' },
    ]);
    expect(toBody(fromWorkflow(body))).toEqual(body);
  });
});

describe('saved views on the server', () => {
  it('store only the filters that are set, and come back as the same filters', () => {
    const filters = { ...noFilters, priority: ['urgent' as const], assignee: 'me', sla: 'breached' as const };
    expect(toServerFilters(filters)).toEqual({ priority: ['urgent'], assignedTo: 'me', sla: 'breached' });
    const view = fromServerView({ id: 'view_1', name: 'Fires', filters: toServerFilters(filters), sortBy: 'priority', sortOrder: 'desc', createdAt: '', updatedAt: '' });
    expect(view.filters).toEqual(filters);
    expect(matchingView([...savedViews, view], filters, view.sort)?.id).toBe('view_1');
  });
});
