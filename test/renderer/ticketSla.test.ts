import { describe, expect, it } from 'vitest';
import type { Ticket } from '../../renderer/src/api/types.ts';
import { slaSummary, slaTargets } from '../../renderer/src/ticket/sla.ts';
import { formatDuration } from '../../renderer/src/ticket/time.ts';

const at = (iso: string) => Date.parse(iso);
function ticket(patch: Partial<Ticket> = {}): Ticket {
  return {
    id: 'tkt_1',
    number: 1,
    subject: 's',
    description: 'd',
    status: 'open',
    priority: 'urgent',
    contactId: 'ctc_1',
    contactEmail: 'a@example.com',
    assignedTo: null,
    projectId: null,
    tags: [],
    conversationId: null,
    sla: { firstResponseDueAt: '2026-03-02T10:00:00.000Z', resolutionDueAt: '2026-03-02T13:00:00.000Z', breached: false },
    firstResponseAt: null,
    resolvedAt: null,
    createdAt: '2026-03-02T09:00:00.000Z',
    updatedAt: '2026-03-02T09:00:00.000Z',
    externalId: null,
    ...patch,
  };
}

describe('SLA as the agent sees it', () => {
  it('is due soon within two hours of the next due time', () => {
    expect(slaSummary(ticket(), at('2026-03-02T09:15:00Z'))).toMatchObject({ tone: 'soon', text: 'Due in 45m' });
  });

  it('is on track further out', () => {
    const t = ticket({ sla: { firstResponseDueAt: '2026-03-03T09:00:00.000Z', resolutionDueAt: '2026-03-05T09:00:00.000Z', breached: false } });
    expect(slaSummary(t, at('2026-03-02T09:00:00Z'))).toMatchObject({ tone: 'ok', text: 'Due in 1d' });
  });

  it('trusts the server’s breached flag and says how overdue', () => {
    const t = ticket({ sla: { ...ticket().sla, breached: true } });
    expect(slaSummary(t, at('2026-03-02T11:30:00Z'))).toMatchObject({ tone: 'breached', text: 'Overdue 1h 30m' });
  });

  it('counts the first response as met once an agent replied in time', () => {
    const [first, resolution] = slaTargets(ticket({ firstResponseAt: '2026-03-02T09:20:00.000Z' }), at('2026-03-02T09:30:00Z'));
    expect(first?.state).toBe('met');
    expect(resolution?.state).toBe('due');
  });

  it('marks a late reply as missed, and a resolved ticket as met', () => {
    const late = slaTargets(ticket({ firstResponseAt: '2026-03-02T10:30:00.000Z' }), at('2026-03-02T11:00:00Z'));
    expect(late[0]?.state).toBe('missed');
    const done = ticket({ status: 'resolved', resolvedAt: '2026-03-02T09:40:00.000Z', firstResponseAt: '2026-03-02T09:10:00.000Z' });
    expect(slaSummary(done, at('2026-03-02T12:00:00Z'))).toMatchObject({ tone: 'met' });
  });

  it('formats durations compactly', () => {
    expect(formatDuration(30_000)).toBe('<1m');
    expect(formatDuration(45 * 60_000)).toBe('45m');
    expect(formatDuration(3 * 3600_000 + 20 * 60_000)).toBe('3h 20m');
    expect(formatDuration(50 * 3600_000)).toBe('2d 2h');
  });
});
