import type { ApiClient } from './server.ts';

let counter = 0;
const unique = () => `${Date.now().toString(36)}${(counter++).toString(36)}`;

export interface TicketBody {
  subject?: string;
  description?: string;
  contactEmail?: string;
  priority?: string;
  assignedTo?: string | null;
}

export interface TicketData {
  id: string;
  number: number;
  subject: string;
  status: string;
  priority: string;
  contactId: string;
  contactEmail: string;
  assignedTo: string | null;
  firstResponseAt: string | null;
  resolvedAt: string | null;
  createdAt: string;
  updatedAt: string;
  sla: { firstResponseDueAt: string; resolutionDueAt: string; breached: boolean };
  messages?: { id: string; body: string; sender: string; internal: boolean; authorId: string | null; createdAt: string }[];
}

/** Creates a ticket through the API and returns it; fails the test on anything but 201. */
export async function buildTicket(api: ApiClient, overrides: TicketBody = {}): Promise<TicketData> {
  const res = await api.post<TicketData>('/tickets', {
    subject: `Printer on fire ${unique()}`,
    description: 'The office printer is smoking again.',
    contactEmail: `customer-${unique()}@example.com`,
    ...overrides,
  });
  if (res.status !== 201) throw new Error(`buildTicket: ${res.status} ${res.text}`);
  return res.body.data;
}

export interface UserData {
  id: string;
  name: string;
  email: string;
  role: string;
  active: boolean;
}

/** Creates a user through the API (admin key) and returns it. */
export async function buildUser(
  api: ApiClient,
  overrides: { name?: string; email?: string; role?: string } = {},
): Promise<UserData> {
  const res = await api.post<UserData>('/users', {
    name: `Agent ${unique()}`,
    email: `agent-${unique()}@example.com`,
    ...overrides,
  });
  if (res.status !== 201) throw new Error(`buildUser: ${res.status} ${res.text}`);
  return res.body.data;
}

/** Creates an API key with the given scopes and returns its secret. */
export async function buildKey(
  api: ApiClient,
  scopes: string[],
  overrides: { userId?: string; rateLimitPerMinute?: number | null; name?: string } = {},
): Promise<{ id: string; key: string }> {
  const res = await api.post<{ id: string; key: string }>('/api-keys', {
    name: `key ${unique()}`,
    scopes,
    ...overrides,
  });
  if (res.status !== 201) throw new Error(`buildKey: ${res.status} ${res.text}`);
  return res.body.data;
}
