// Property: whatever two replicas and the host do, in whatever order, with the cable cut and
// restored at random moments, once everyone is reconnected all three hold identical rows; no
// message is lost or doubled; and no ticket change made on a replica is lost silently: the host
// either applied it or recorded that it was overtaken (decided by the host's arrival order).
import fc from 'fast-check';
import { afterEach, expect, it } from 'vitest';
import { buildTicket, buildUser } from '../helpers/factories.ts';
import { type TestReplica, pairingCode, startReplica, waitInSync } from '../helpers/replica.ts';
import { type ApiClient, type TestServer, apiClient, startTestServer } from '../helpers/server.ts';
import { type TcpProxy, startTcpProxy } from '../helpers/tcpProxy.ts';

const open: { close(): Promise<void> }[] = [];
afterEach(async () => {
  for (const thing of open.splice(0).reverse()) await thing.close();
});

type Node = 0 | 1 | 2; // the host, replica 1, replica 2
type Op =
  | { kind: 'reply'; node: Node; ticket: number }
  | { kind: 'field'; node: Node; ticket: number; field: 'priority' | 'status'; value: string }
  | { kind: 'tag'; node: Node; ticket: number; tag: string; add: boolean }
  | { kind: 'create'; node: Node }
  | { kind: 'cut'; replica: 1 | 2 }
  | { kind: 'restore'; replica: 1 | 2 };

const node = fc.constantFrom<Node>(0, 1, 2);
const ticket = fc.integer({ min: 0, max: 1 });
const op: fc.Arbitrary<Op> = fc.oneof(
  fc.record({ kind: fc.constant('reply' as const), node, ticket }),
  fc.record({
    kind: fc.constant('field' as const),
    node,
    ticket,
    field: fc.constant('priority' as const),
    value: fc.constantFrom('low', 'medium', 'high', 'urgent'),
  }),
  fc.record({
    kind: fc.constant('field' as const),
    node,
    ticket,
    field: fc.constant('status' as const),
    value: fc.constantFrom('open', 'pending', 'resolved'),
  }),
  fc.record({ kind: fc.constant('tag' as const), node, ticket, tag: fc.constantFrom('a', 'b', 'c'), add: fc.boolean() }),
  fc.record({ kind: fc.constant('create' as const), node }),
  fc.record({ kind: fc.constant('cut' as const), replica: fc.constantFrom<1 | 2>(1, 2) }),
  fc.record({ kind: fc.constant('restore' as const), replica: fc.constantFrom<1 | 2>(1, 2) }),
);

interface World {
  host: TestServer;
  proxies: [TcpProxy, TcpProxy];
  replicas: [TestReplica, TestReplica];
  /** Each node's client, as its own person: Ada on the host, the device owners on the replicas. */
  apis: [ApiClient, ApiClient, ApiClient];
  users: [string, string, string];
  tickets: string[];
}

async function world(): Promise<World> {
  const host = await startTestServer();
  open.push(host);
  const ada = await buildUser(host.api, { name: 'Ada', role: 'admin' });
  const bo = await buildUser(host.api, { name: 'Bo', role: 'admin' });
  const cy = await buildUser(host.api, { name: 'Cy', role: 'admin' });
  const keyOf = async (userId: string) =>
    (await host.api.post<{ key: string }>('/api-keys', { name: 'k', scopes: ['admin'], userId })).body.data.key;
  const tickets = [(await buildTicket(host.api)).id, (await buildTicket(host.api)).id];
  const proxies = [await startTcpProxy(host.port), await startTcpProxy(host.port)] as [TcpProxy, TcpProxy];
  open.push(...proxies);
  const replicas = [
    await startReplica(host, proxies[0].url, await pairingCode(host, bo.id)),
    await startReplica(host, proxies[1].url, await pairingCode(host, cy.id)),
  ] as [TestReplica, TestReplica];
  open.push(...replicas);
  const [adaKey, boKey, cyKey] = [await keyOf(ada.id), await keyOf(bo.id), await keyOf(cy.id)];
  for (const r of replicas) await waitInSync(host, r);

  return {
    host,
    proxies,
    replicas,
    apis: [apiClient(host.url, adaKey), apiClient(replicas[0].url, boKey), apiClient(replicas[1].url, cyKey)],
    users: [ada.id, bo.id, cy.id],
    tickets,
  };
}

let counter = 0;

it('converges whatever the interleaving of offline edits, cuts and reconnects', async () => {
  await fc.assert(
    fc.asyncProperty(fc.array(op, { minLength: 4, maxLength: 14 }), async (ops) => {
      const w = await world();
      const replies: string[] = [];
      const made: { node: Node; ticket: string; field: string; value: string }[] = [];
      for (const o of ops) {
        if (o.kind === 'cut') w.proxies[o.replica - 1]?.cut();
        else if (o.kind === 'restore') w.proxies[o.replica - 1]?.restore();
        else if (o.kind === 'create') {
          const res = await w.apis[o.node].post<{ id: string }>('/tickets', {
            subject: `made on ${o.node}`,
            description: `new ${counter++}`,
            contactEmail: 'someone@example.com',
          });
          expect(res.status).toBe(201);
        } else {
          const api = w.apis[o.node];
          const id = w.tickets[o.ticket] as string;
          if (o.kind === 'reply') {
            const body = `reply ${counter++} from ${o.node}`;
            expect((await api.post(`/tickets/${id}/messages`, { body })).status).toBe(201);
            replies.push(body);
          } else if (o.kind === 'field') {
            const before = (await api.get<Record<string, string>>(`/tickets/${id}`)).body.data[o.field];
            expect((await api.patch(`/tickets/${id}`, { [o.field]: o.value })).status).toBe(200);
            if (before !== o.value && o.node !== 0) made.push({ node: o.node, ticket: id, field: o.field, value: o.value });
          } else {
            const tags = (await api.get<{ tags: string[] }>(`/tickets/${id}`)).body.data.tags;
            const next = o.add ? [...new Set([...tags, o.tag])] : tags.filter((t) => t !== o.tag);
            expect((await api.patch(`/tickets/${id}`, { tags: next })).status).toBe(200);
          }
        }
      }
      for (const p of w.proxies) p.restore();
      // Twice round: what one replica pushed reaches the other with the next pull.
      for (let round = 0; round < 2; round++) for (const r of w.replicas) await waitInSync(w.host, r, 30_000);

      const sums = await Promise.all([w.host.api, ...w.replicas.map((r) => r.api)].map((a) => a.get<{ tables: unknown }>('/sync/checksums')));
      expect(sums[1]?.body.data.tables).toEqual(sums[0]?.body.data.tables);
      expect(sums[2]?.body.data.tables).toEqual(sums[0]?.body.data.tables);

      const bodies: string[] = [];
      for (const id of w.tickets) {
        const res = await w.host.api.get<{ body: string }[]>(`/tickets/${id}/messages?limit=100`);
        bodies.push(...res.body.data.map((m) => m.body));
      }
      for (const body of replies) expect(bodies.filter((b) => b === body)).toHaveLength(1);

      // Every replica field change: applied by its person, overtaken (and said so), or the
      // value someone else had set anyway.
      type Ev = { type: string; actor: { userId: string | null }; data: Record<string, unknown> };
      const events: Ev[] = [];
      for (let offset = 0; ; offset += 100) {
        const page = (await w.host.api.get<Ev[]>(`/events?limit=100&offset=${offset}&type=ticket.*`)).body.data;
        events.push(...page);
        if (page.length < 100) break;
      }
      for (const m of made) {
        const user = w.users[m.node];
        const accounted = events.some((e) => {
          const d = e.data as { ticket?: Record<string, unknown>; changes?: string[]; field?: string; yourValue?: unknown; ticketId?: string };
          if (e.type === 'ticket.updated') return d.ticket?.id === m.ticket && d.changes?.includes(m.field) && d.ticket?.[m.field] === m.value;
          if (e.type === 'ticket.change_overtaken') return e.actor.userId === user && d.ticketId === m.ticket && d.field === m.field && d.yourValue === m.value;
          return false;
        });
        expect(accounted, `${m.field} → ${m.value} on ${m.ticket} by replica ${m.node}`).toBe(true);
      }
      for (const thing of open.splice(0).reverse()) await thing.close();
    }),
    { numRuns: Number(process.env.SYNC_PROPERTY_RUNS ?? 8), endOnFailure: true },
  );
}, 300_000);
