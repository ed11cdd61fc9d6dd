// A workflow condition names a field of its trigger's events: one that events of that type
// never carry (a bare `priority` instead of `ticket.priority`) would never match, so it is a 400.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type TestServer, startTestServer } from '../helpers/server.ts';

let s: TestServer;
beforeAll(async () => {
  s = await startTestServer();
});
afterAll(async () => {
  await s.close();
});

const workflow = (trigger: string, fields: string[]) => ({
  name: `On ${trigger}`,
  trigger,
  conditions: fields.map((field) => ({ field, op: 'neq', value: 'x' })),
  actions: [{ type: 'add_tag', value: 'flagged' }],
});

describe('workflow condition fields', () => {
  it('refuses a field the trigger\'s events do not carry, saying which ones they do', async () => {
    const res = await s.api.post('/workflows', workflow('ticket.created', ['priority']));
    expect(res.status).toBe(400);
    expect(res.body.error?.details?.errors).toEqual([
      { path: 'conditions.0.field', message: expect.stringMatching(/ticket\.created events have no field "priority".*ticket\.priority/) },
    ]);
  });

  it('refuses unknown nested fields and paths into lists or values', async () => {
    for (const field of ['ticket.nope', 'ticket.priority.level', 'ticket.tags.0', 'changes', 'message.body']) {
      const res = await s.api.post('/workflows', workflow('ticket.created', ['ticket.subject', field]));
      expect(res.status, field).toBe(400);
      expect(res.body.error?.details?.errors?.map((e) => e.path), field).toEqual(['conditions.1.field']);
    }
  });

  it('accepts the fields each trigger carries', async () => {
    const valid: [string, string[]][] = [
      ['ticket.created', ['ticket.priority', 'ticket.sla.breached', 'ticket.tags', 'ticket.assignedTo', 'ticket.contactEmail']],
      ['ticket.updated', ['ticket.status', 'changes']],
      ['ticket.merged', ['ticket.id', 'sourceIds']],
      ['message.created', ['message.body', 'message.internal', 'message.sender', 'ticketId']],
      ['custom.order_paid', ['order.total', 'anything.at.all', 'ticketId']],
    ];
    for (const [trigger, fields] of valid) {
      const res = await s.api.post<{ id: string }>('/workflows', workflow(trigger, fields));
      expect(res.status, `${trigger}: ${res.text}`).toBe(201);
      await s.api.delete(`/workflows/${res.body.data.id}`);
    }
  });

  it('checks conditions on PATCH, against the new trigger when it changes', async () => {
    const created = await s.api.post<{ id: string }>('/workflows', workflow('ticket.updated', ['changes', 'ticket.status']));
    expect(created.status).toBe(201);
    const id = created.body.data.id;
    const badConditions = await s.api.patch(`/workflows/${id}`, { conditions: [{ field: 'status', op: 'eq', value: 'open' }] });
    expect(badConditions.status).toBe(400);
    expect(badConditions.body.error?.details?.errors?.[0]?.path).toBe('conditions.0.field');
    // ticket.created events carry no `changes`: the stored conditions no longer fit.
    const badTrigger = await s.api.patch(`/workflows/${id}`, { trigger: 'ticket.created' });
    expect(badTrigger.status).toBe(400);
    expect(badTrigger.body.error?.details?.errors?.[0]?.path).toBe('conditions.0.field');
    expect((await s.api.patch(`/workflows/${id}`, { trigger: 'ticket.created', conditions: [] })).status).toBe(200);
  });
});
