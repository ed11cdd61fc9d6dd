// Who has which ticket open, and who is replying: ephemeral, in this process's memory only. A
// browser sends a heartbeat every ~10 s while a ticket is open (POST /presence); an entry with
// no heartbeat for `ttlMs` (30 s) is swept away, so a closed tab disappears within ~30 s even
// when it could not say goodbye. Every change is published on the live channel as a
// `presence` message with the ticket's whole list. Nothing is stored, nothing is an event.
import type { PresencePersonT, TicketPresenceT } from '../../common/contract/presence.ts';
import type { Clock } from '../core/clock.ts';
import type { LiveChannel } from './live.ts';

interface Entry {
  userId: string;
  name: string;
  state: PresencePersonT['state'];
  since: number;
  seenAt: number;
}

export class PresenceBoard {
  /** ticketId → userId → entry */
  private readonly tickets = new Map<string, Map<string, Entry>>();

  constructor(
    private readonly clock: Clock,
    private readonly live: LiveChannel,
    private readonly ttlMs: number,
  ) {}

  /** Records a heartbeat (or a departure); publishes when the ticket's list changed. */
  beat(user: { id: string; name: string }, ticketId: string, state: PresencePersonT['state'] | 'left'): TicketPresenceT {
    const now = this.clock.now().getTime();
    let people = this.tickets.get(ticketId);
    const before = people?.get(user.id);
    if (state === 'left') {
      if (before && people) {
        people.delete(user.id);
        if (people.size === 0) this.tickets.delete(ticketId);
        this.publish(ticketId);
      }
      return this.of(ticketId);
    }
    if (!people) {
      people = new Map();
      this.tickets.set(ticketId, people);
    }
    const changed = !before || before.state !== state || before.name !== user.name;
    people.set(user.id, {
      userId: user.id,
      name: user.name,
      state,
      since: before && before.state === state ? before.since : now,
      seenAt: now,
    });
    if (changed) this.publish(ticketId);
    return this.of(ticketId);
  }

  /** Everyone on one ticket, or on every ticket somebody has open. */
  list(ticketId?: string): TicketPresenceT[] {
    this.sweep();
    const ids = ticketId ? [ticketId] : [...this.tickets.keys()];
    return ids.map((id) => this.of(id)).filter((t) => t.people.length > 0 || ticketId !== undefined);
  }

  private of(ticketId: string): TicketPresenceT {
    const people = [...(this.tickets.get(ticketId)?.values() ?? [])]
      .sort((a, b) => a.since - b.since || a.userId.localeCompare(b.userId))
      .map((e) => ({ userId: e.userId, name: e.name, state: e.state, since: new Date(e.since).toISOString() }));
    return { ticketId, people };
  }

  private publish(ticketId: string): void {
    this.live.publish({ type: 'presence', data: this.of(ticketId) });
  }

  /** Drops entries whose last heartbeat is older than the TTL, publishing each ticket that changed. */
  sweep(): void {
    const cutoff = this.clock.now().getTime() - this.ttlMs;
    for (const [ticketId, people] of this.tickets) {
      let changed = false;
      for (const [userId, entry] of people) {
        if (entry.seenAt <= cutoff) {
          people.delete(userId);
          changed = true;
        }
      }
      if (people.size === 0) this.tickets.delete(ticketId);
      if (changed) this.publish(ticketId);
    }
  }

  /** Sweeps every `everyMs` until stopped. */
  start(everyMs: number): { stop(): Promise<void> } {
    const timer = setInterval(() => this.sweep(), everyMs);
    timer.unref();
    return {
      stop: () => {
        clearInterval(timer);
        return Promise.resolve();
      },
    };
  }
}
