import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { systemContext } from '../../server/domain/context.ts';
import { recordEvent } from '../../server/domain/events/events.record.ts';
import { MAX_WORKFLOW_DEPTH } from '../../server/domain/workflows/workflows.run.ts';
import { buildKey, buildTicket, buildUser, type TicketData } from '../helpers/factories.ts';
import { type ApiResponse, type TestServer, openFolderDatabase, startTestServer } from '../helpers/server.ts';

interface WorkflowData {
  id: string;
  name: string;
  trigger: string;
  conditions: unknown[];
  actions: { type: string; value: unknown }[];
  active: boolean;
  runCount: number;
  lastRunAt: string | null;
  createdAt: string;
  updatedAt: string;
}
interface EventData { type: string; actor: { type: string; id: string | null }; data: { changes?: string[] } }
type Ticket = TicketData & { tags: string[] };

let s: TestServer;
const logs: { workflowId?: string; msg?: string }[] = [];
beforeAll(async () => {
  const logger = pino({ level: 'warn' }, { write: (line: string) => void logs.push(JSON.parse(line)) });
  s = await startTestServer({ logger });
});
afterAll(async () => {
  await s.close();
});
// Workflows from one test must not act on the next one's tickets.
afterEach(async () => {
  await settled();
  const all = await s.api.get<WorkflowData[]>('/workflows?limit=100');
  for (const wf of all.body.data) await s.api.delete(`/workflows/${wf.id}`);
});

/** Polls `fn` every 20 ms until it returns something truthy (the engine runs after commit). */
async function waitFor<T>(fn: () => Promise<T | false | null | undefined>, timeoutMs = 3000): Promise<T> {
  for (const deadline = Date.now() + timeoutMs; ; await new Promise((r) => setTimeout(r, 20))) {
    const value = await fn();
    if (value) return value;
    if (Date.now() > deadline) throw new Error('waitFor: timed out');
  }
}

/** Resolves once the engine's durable cursor has reached the newest committed event. */
function settled(server: TestServer = s): Promise<boolean> {
  return waitFor(async () => {
    const cursor = await server.db.selectFrom('event_cursors').select('seq').where('name', '=', 'workflows').executeTakeFirst();
    const newest = await server.db.selectFrom('events').select((eb) => eb.fn.max('seq').as('max')).executeTakeFirst();
    return cursor !== undefined && cursor.seq >= Number(newest?.max ?? 0);
  });
}

const paths = (res: ApiResponse) => (res.body.error?.details?.errors ?? []).map((e) => e.path).sort();
const ticket = async (id: string, server = s) => (await server.api.get<Ticket>(`/tickets/${id}`)).body.data;
const workflow = async (id: string) => (await s.api.get<WorkflowData>(`/workflows/${id}`)).body.data;
const updates = async (ticketId: string) =>
  (await s.api.get<EventData[]>(`/events?type=ticket.updated&resourceId=${ticketId}&limit=100`)).body.data;

async function buildWorkflow(body: Record<string, unknown>, server = s): Promise<WorkflowData> {
  const res = await server.api.post<WorkflowData>('/workflows', { name: 'wf', ...body });
  if (res.status !== 201) throw new Error(`buildWorkflow: ${res.status} ${res.text}`);
  return res.body.data;
}
const onTicket = (id: string) => ({ field: 'ticket.id', op: 'eq', value: id });

describe('/api/v1/workflows CRUD', () => {
  it('creates with defaults, reads, lists with filters, patches and deletes', async () => {
    const res = await s.api.post<WorkflowData>('/workflows', { name: ' Triage ', trigger: 'ticket.created', actions: [{ type: 'set_priority', value: 'high' }] });
    expect(res.status).toBe(201);
    const now = s.clock.now().toISOString();
    expect(res.body.data.id).toMatch(/^wfl_[0-9A-Z]{26}$/);
    expect(res.body.data).toMatchObject({
      name: 'Triage', trigger: 'ticket.created', conditions: [], active: true,
      actions: [{ type: 'set_priority', value: 'high' }], runCount: 0, lastRunAt: null, createdAt: now, updatedAt: now,
    });
    expect(await workflow(res.body.data.id)).toEqual(res.body.data);
    const paused = await buildWorkflow({ trigger: 'custom.sync', active: false, actions: [{ type: 'add_tag', value: 'x' }] });

    const byTrigger = await s.api.get<WorkflowData[]>('/workflows?trigger=ticket.created');
    expect(byTrigger.body.data.map((w) => w.id)).toEqual([res.body.data.id]);
    expect(byTrigger.body.meta).toEqual({ total: 1, limit: 50, offset: 0 });
    expect((await s.api.get<WorkflowData[]>('/workflows?active=false')).body.data.map((w) => w.id)).toEqual([paused.id]);
    expect((await s.api.get('/workflows?active=maybe')).status).toBe(400);

    const patched = await s.api.patch<WorkflowData>(`/workflows/${paused.id}`, { name: 'Sync', active: true });
    expect(patched.status).toBe(200);
    expect(patched.body.data).toMatchObject({ name: 'Sync', active: true, trigger: 'custom.sync' });
    expect(paths(await s.api.patch(`/workflows/${paused.id}`, { runCount: 9, active: false }))).toEqual(['runCount']);
    expect((await s.api.patch(`/workflows/${paused.id}`, {})).status).toBe(400);

    expect((await s.api.delete(`/workflows/${paused.id}`)).status).toBe(204);
    expect((await s.api.get(`/workflows/${paused.id}`)).status).toBe(404);
    expect((await s.api.delete(`/workflows/${paused.id}`)).status).toBe(404);
  });

  it('answers 404 for unknown ids and 403 for keys without admin', async () => {
    for (const id of ['wfl_01ARZ3NDEKTSV4RRFFQ69G5FAV', 'nope']) {
      expect((await s.api.get(`/workflows/${id}`)).status).toBe(404);
      expect((await s.api.patch(`/workflows/${id}`, { active: false })).status).toBe(404);
    }
    const key = (await buildKey(s.api, ['tickets:read', 'tickets:write'])).key;
    expect((await s.api.get('/workflows', { key })).status).toBe(403);
    const body = { name: 'x', trigger: 'ticket.created', actions: [{ type: 'add_tag', value: 'x' }] };
    expect((await s.api.post('/workflows', body, { key })).status).toBe(403);
  });

  it('names every invalid condition and action at once', async () => {
    const res = await s.api.post('/workflows', {
      name: '', trigger: 'ticket.*', extra: 1,
      conditions: [
        { field: 'ticket priority', op: 'eq', value: 'high' },
        { field: 'ticket.tags', op: 'like', value: 'x' },
        { field: 'ticket.priority', op: 'in', value: 'high' },
        { field: 'message.body', op: 'contains', value: 3 },
        { field: 'ticket.status', op: 'eq' },
      ],
      actions: [
        { type: 'set_status', value: 'done' }, { type: 'set_priority', value: 'critical' },
        { type: 'assign', value: 'bob' }, { type: 'add_tag', value: 'a,b' }, { type: 'set_project', value: 7 },
        { type: 'apply_macro', value: null }, { type: 'explode', value: 1 },
      ],
    });
    expect(res.status).toBe(400);
    expect(res.body.error?.code).toBe('BAD_REQUEST');
    expect(paths(res)).toEqual([
      'actions.0.value', 'actions.1.value', 'actions.2.value', 'actions.3.value', 'actions.4.value',
      'actions.5.value', 'actions.6.type', 'conditions.0.field', 'conditions.1.op', 'conditions.2.value',
      'conditions.3.value', 'conditions.4.value', 'extra', 'name', 'trigger',
    ]);
  });

  it('names every user, project and macro that does not exist, and ticket actions without a ticket', async () => {
    const gone = await buildUser(s.api);
    await s.api.patch(`/users/${gone.id}`, { active: false });
    const res = await s.api.post('/workflows', {
      name: 'refs', trigger: 'contact.created',
      actions: [
        { type: 'assign', value: 'usr_01ARZ3NDEKTSV4RRFFQ69G5FAV' }, { type: 'assign', value: gone.id },
        { type: 'set_project', value: 'prj_01ARZ3NDEKTSV4RRFFQ69G5FAV' },
        { type: 'apply_macro', value: 'mac_01ARZ3NDEKTSV4RRFFQ69G5FAV' }, { type: 'assign', value: null },
      ],
    });
    expect(res.status).toBe(400);
    expect(paths(res)).toEqual(['actions', 'actions.0.value', 'actions.1.value', 'actions.2.value', 'actions.3.value']);
    expect(paths(await s.api.post('/workflows', { name: 'none', trigger: 'ticket.created', actions: [] }))).toEqual(['actions']);

    const wf = await buildWorkflow({ trigger: 'ticket.updated', actions: [{ type: 'add_tag', value: 'x' }] });
    expect(paths(await s.api.patch(`/workflows/${wf.id}`, { trigger: 'contact.created' }))).toEqual(['trigger']);
    expect(paths(await s.api.patch(`/workflows/${wf.id}`, { trigger: 'ticket.deleted' }))).toEqual(['trigger']);
  });
});

describe('the workflow engine', () => {
  it('changes a matching ticket, and only that one, as the workflow', async () => {
    const agent = await buildUser(s.api);
    const wf = await buildWorkflow({
      trigger: 'ticket.created', conditions: [{ field: 'ticket.subject', op: 'contains', value: 'refund' }],
      actions: [
        { type: 'set_priority', value: 'urgent' }, { type: 'add_tag', value: 'billing' },
        { type: 'assign', value: agent.id },
      ],
    });
    const hit = await buildTicket(s.api, { subject: 'Please REFUND my order' });
    const miss = await buildTicket(s.api, { subject: 'Printer jam' });
    const changed = await waitFor(async () => (await ticket(hit.id)).priority === 'urgent' && ticket(hit.id));
    expect(changed).toMatchObject({ priority: 'urgent', tags: ['billing'], assignedTo: agent.id });
    await settled();
    expect(await ticket(miss.id)).toMatchObject({ priority: 'medium', tags: [], assignedTo: null });

    const events = await updates(hit.id);
    expect(events).toHaveLength(1);
    expect(events[0]?.actor).toEqual({ type: 'workflow', id: wf.id, userId: null });
    expect(events[0]?.data.changes).toEqual(expect.arrayContaining(['priority', 'tags', 'assignedTo']));
    expect(await workflow(wf.id)).toMatchObject({ runCount: 1, lastRunAt: s.clock.now().toISOString() });
  });

  it('never re-triggers a workflow with its own change', async () => {
    const t = await buildTicket(s.api);
    const wf = await buildWorkflow({
      trigger: 'ticket.updated', conditions: [onTicket(t.id), { field: 'changes', op: 'contains', value: 'status' }],
      actions: [{ type: 'set_status', value: 'open' }, { type: 'add_tag', value: 'touched' }],
    });
    await s.api.patch(`/tickets/${t.id}`, { status: 'pending' });
    await settled();
    expect(await ticket(t.id)).toMatchObject({ status: 'open', tags: ['touched'] });
    expect((await workflow(wf.id)).runCount).toBe(1);
    expect((await updates(t.id)).filter((e) => e.actor.type === 'workflow')).toHaveLength(1);
  });

  it('stops two workflows undoing each other at the fixed depth', async () => {
    const t = await buildTicket(s.api);
    const a = await buildWorkflow({ trigger: 'ticket.updated', conditions: [onTicket(t.id)], actions: [{ type: 'set_status', value: 'pending' }] });
    const b = await buildWorkflow({ trigger: 'ticket.updated', conditions: [onTicket(t.id)], actions: [{ type: 'set_status', value: 'open' }] });
    await s.api.patch(`/tickets/${t.id}`, { status: 'pending' });
    await settled();
    const made = (await updates(t.id)).filter((e) => e.actor.type === 'workflow');
    expect(made.length).toBeGreaterThan(1);
    expect(made.length).toBeLessThanOrEqual(MAX_WORKFLOW_DEPTH);
    expect(new Set(made.map((e) => e.actor.id))).toEqual(new Set([a.id, b.id]));
    const deepest = await s.db.selectFrom('events').select((eb) => eb.fn.max('workflow_depth').as('d')).where('resource_id', '=', t.id).executeTakeFirst();
    expect(deepest?.d).toBe(MAX_WORKFLOW_DEPTH);
  });

  it('applies a macro signed "LocalDesk"', async () => {
    const macro = (await s.api.post<{ id: string }>('/macros', { name: 'Ack', body: 'Hi, {{agent.name}} here.', actions: { status: 'pending' } })).body.data;
    await buildWorkflow({ trigger: 'ticket.created', actions: [{ type: 'apply_macro', value: macro.id }] });
    const t = await buildTicket(s.api);
    const after = await waitFor(async () => (await ticket(t.id)).status === 'pending' && ticket(t.id));
    expect(after.messages?.at(-1)).toMatchObject({ body: 'Hi, LocalDesk here.', sender: 'agent', authorId: null, internal: false });
    expect(after.firstResponseAt).not.toBeNull();
  });

  it('runs on custom events that name a ticket, and skips those that do not', async () => {
    const key = (await buildKey(s.api, ['tickets:write'])).key;
    const t = await buildTicket(s.api);
    const wf = await buildWorkflow({ trigger: 'custom.order_refunded', conditions: [{ field: 'amount', op: 'neq', value: 0 }], actions: [{ type: 'add_tag', value: 'refunded' }] });
    const post = (data: Record<string, unknown>) => s.api.post('/events', { type: 'custom.order_refunded', data }, { key });
    expect((await post({ ticketId: t.id, amount: 30 })).status).toBe(201);
    await waitFor(async () => (await ticket(t.id)).tags.includes('refunded'));
    await post({ amount: 5 });
    await post({ ticketId: t.id, amount: 0 });
    await settled();
    expect((await workflow(wf.id)).runCount).toBe(1);
    expect((await updates(t.id)).at(-1)?.actor).toEqual({ type: 'workflow', id: wf.id, userId: null });
  });

  it('matches `in` and `neq`, and runs on ticket messages only', async () => {
    await buildWorkflow({
      trigger: 'ticket.created',
      conditions: [
        { field: 'ticket.priority', op: 'in', value: ['high', 'urgent'] },
        { field: 'ticket.contactEmail', op: 'neq', value: 'vip@example.com' },
      ],
      actions: [{ type: 'add_tag', value: 'escalate' }],
    });
    const onMessage = await buildWorkflow({
      trigger: 'message.created', conditions: [{ field: 'message.sender', op: 'eq', value: 'customer' }, { field: 'message.body', op: 'contains', value: 'ASAP' }],
      actions: [{ type: 'set_priority', value: 'urgent' }],
    });
    const high = await buildTicket(s.api, { priority: 'high' });
    const low = await buildTicket(s.api, { priority: 'low' });
    const vip = await buildTicket(s.api, { priority: 'urgent', contactEmail: 'vip@example.com' });
    await s.api.post('/conversations', { channel: 'chat', participantEmail: 'c@example.com', subject: 'Hi', body: 'asap' });
    await s.api.post(`/tickets/${low.id}/messages`, { body: 'Please fix this asap', sender: 'customer' });
    await settled();
    expect((await ticket(high.id)).tags).toEqual(['escalate']);
    expect((await ticket(low.id)).tags).toEqual([]);
    expect((await ticket(vip.id)).tags).toEqual([]);
    expect((await ticket(low.id)).priority).toBe('urgent');
    expect((await workflow(onMessage.id)).runCount).toBe(1);
  });

  it('does not run inactive workflows', async () => {
    const wf = await buildWorkflow({ trigger: 'ticket.created', active: false, actions: [{ type: 'add_tag', value: 'seen' }] });
    const before = await buildTicket(s.api);
    await settled();
    expect((await ticket(before.id)).tags).toEqual([]);
    await s.api.patch(`/workflows/${wf.id}`, { active: true });
    const after = await buildTicket(s.api);
    await waitFor(async () => (await ticket(after.id)).tags.includes('seen'));
    expect((await workflow(wf.id)).runCount).toBe(1);
  });

  it('rolls back a failing run, logs it, and goes on with the next event', async () => {
    const macro = (await s.api.post<{ id: string }>('/macros', { name: 'Bye', body: 'Bye' })).body.data;
    const broken = await buildWorkflow({
      trigger: 'ticket.created', conditions: [{ field: 'ticket.subject', op: 'contains', value: 'fragile' }],
      actions: [{ type: 'set_priority', value: 'urgent' }, { type: 'apply_macro', value: macro.id }],
    });
    await s.api.delete(`/macros/${macro.id}`);
    await buildWorkflow({ trigger: 'ticket.created', actions: [{ type: 'add_tag', value: 'seen' }] });
    const t = await buildTicket(s.api, { subject: 'fragile parcel' });
    const next = await buildTicket(s.api);
    await waitFor(async () => (await ticket(next.id)).tags.includes('seen'));
    await settled();
    const after = await ticket(t.id);
    expect(after).toMatchObject({ priority: 'medium', tags: ['seen'] });
    expect(after.messages).toHaveLength(1);
    expect(await workflow(broken.id)).toMatchObject({ runCount: 0, lastRunAt: null });
    expect(logs.some((line) => line.workflowId === broken.id)).toBe(true);
  });
});

describe('the durable cursor', () => {
  it('is written soon after events that trigger nothing, and at once when the server stops', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'localdesk-workflows-'));
    const server = await startTestServer({ dataDir: dir });
    try {
      await buildTicket(server.api);
      await settled(server); // written by the lazy save, with nothing else happening
      await buildTicket(server.api);
      await server.close(); // right away: the stop writes what the lazy save had not yet
      const handle = openFolderDatabase(dir);
      const cursor = await handle.db.selectFrom('event_cursors').select('seq').where('name', '=', 'workflows').executeTakeFirst();
      const newest = await handle.db.selectFrom('events').select((eb) => eb.fn.max('seq').as('max')).executeTakeFirst();
      await handle.close();
      expect(cursor?.seq).toBe(Number(newest?.max));
    } finally {
      await server.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('processes events committed while no server ran, and does not replay history on a first start', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'localdesk-workflows-'));
    const offline = async (ticketId: string, forgetCursor = false) => {
      const handle = openFolderDatabase(dir);
      if (forgetCursor) await handle.db.deleteFrom('event_cursors').where('name', '=', 'workflows').execute();
      await recordEvent(systemContext(handle.db, s.clock), { type: 'custom.late', resourceType: 'custom', resourceId: null, data: { ticketId } });
      await handle.close();
    };
    let server = await startTestServer({ dataDir: dir });
    try {
      const [t1, t2] = [await buildTicket(server.api), await buildTicket(server.api)];
      const wf = await buildWorkflow({ trigger: 'custom.late', actions: [{ type: 'add_tag', value: 'late' }] }, server);
      await server.close();
      await offline(t1.id);
      server = await startTestServer({ dataDir: dir });
      await waitFor(async () => (await ticket(t1.id, server)).tags.includes('late'));
      await server.close();

      await offline(t2.id, true); // as if the engine had never run on this database
      server = await startTestServer({ dataDir: dir });
      await settled(server);
      expect((await ticket(t2.id, server)).tags).toEqual([]);
      expect((await server.api.get<WorkflowData>(`/workflows/${wf.id}`)).body.data.runCount).toBe(1);
    } finally {
      await server.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
