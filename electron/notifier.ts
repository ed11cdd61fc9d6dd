// What the tray shows and what the desktop announces, computed from the database and the
// event feed: the count of open urgent tickets, a notification for a new urgent ticket, and one
// for each SLA about to breach.
import type { Db, EventRow } from '../db/schema.ts';
import { ticketsFallingDue } from '../server/domain/sla/sla.sql.ts';
import type { Clock } from '../server/core/clock.ts';

export interface NotifierOutput {
  notify(title: string, body: string, ticketId: string): void;
  setUrgentCount(count: number): void;
}

/** How long before an SLA due time the desktop warns. */
export const slaWarningMinutes = 15;

interface TicketPayload {
  ticket?: { id?: string; subject?: string; priority?: string; status?: string };
  changes?: string[];
}

export class Notifier {
  private readonly warned = new Set<string>();

  constructor(
    private readonly db: Db,
    private readonly clock: Clock,
    private readonly out: NotifierOutput,
  ) {}

  async refreshCount(): Promise<number> {
    const row = await this.db
      .selectFrom('tickets')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('priority', '=', 'urgent')
      .where('status', 'in', ['open', 'pending'])
      .executeTakeFirstOrThrow();
    this.out.setUrgentCount(row.n);
    return row.n;
  }

  /** New urgent tickets (created urgent, or raised to urgent) are announced once each. */
  async onEvents(events: readonly EventRow[]): Promise<void> {
    let ticketsChanged = false;
    for (const event of events) {
      if (!event.type.startsWith('ticket.')) continue;
      ticketsChanged = true;
      const payload = JSON.parse(event.data) as TicketPayload;
      const ticket = payload.ticket;
      const becameUrgent =
        event.type === 'ticket.created' ||
        (event.type === 'ticket.updated' && (payload.changes ?? []).includes('priority'));
      if (becameUrgent && ticket?.id && ticket.priority === 'urgent') {
        this.out.notify('New urgent ticket', ticket.subject ?? ticket.id, ticket.id);
      }
    }
    if (ticketsChanged) await this.refreshCount();
  }

  /** Warns once per ticket and due time when its next SLA target falls due within the window. */
  async checkSla(): Promise<void> {
    const now = this.clock.now();
    const to = new Date(now.getTime() + slaWarningMinutes * 60_000).toISOString();
    for (const ticket of await ticketsFallingDue(this.db, now.toISOString(), to)) {
      const mark = `${ticket.id}@${ticket.dueAt}`;
      if (this.warned.has(mark)) continue;
      this.warned.add(mark);
      this.out.notify(`SLA about to breach`, `${ticket.target} due soon: ${ticket.subject}`, ticket.id);
    }
  }
}
