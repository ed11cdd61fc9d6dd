// Live messages that are not events: presence and new notifications. They are never stored and
// never in /events; streams that asked for them (GET /events/stream?include=…) get them as they
// happen on this node. Nodes sharing PostgreSQL do not pass them on to each other (yet): that
// would take a NOTIFY channel like the event feed's (server/background/hub.postgres.ts).
export interface LiveMessage {
  /** The SSE event name: `presence` or `notification`. */
  type: 'presence' | 'notification';
  data: unknown;
  /** Only this user's streams receive it (notifications); everyone's when absent. */
  userId?: string;
}

export type LiveListener = (message: LiveMessage) => void;

export class LiveChannel {
  private readonly listeners = new Set<LiveListener>();

  subscribe(listener: LiveListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  publish(message: LiveMessage): void {
    for (const listener of this.listeners) {
      try {
        listener(message);
      } catch {
        // A listener that throws (a closed stream) must not stop the others.
      }
    }
  }
}
