// One pass at a time over work that becomes due while a pass runs (the webhook worker and the
// mail sender: read what is due, start it). A wake during a pass asks for exactly one more pass
// after it, however many wakes came; a failing pass is reported and the next wake tries again.
export interface Passes {
  /** Something may be due: new events, a finished attempt, or the poll timer. */
  wake(): void;
  /** True once stop() was called: a pass checks it between items. */
  readonly stopping: boolean;
  /** No pass starts after this; resolves when the running one (if any) has ended. */
  stop(): Promise<void>;
}

export function passesOf(pass: () => Promise<void>, onError: (err: unknown) => void): Passes {
  let stopping = false;
  let running: Promise<void> | null = null;
  let again = false;

  async function run(): Promise<void> {
    do {
      again = false;
      try {
        await pass();
      } catch (err) {
        onError(err);
      }
    } while (again && !stopping);
  }

  function wake(): void {
    if (stopping) return;
    if (running) {
      again = true;
      return;
    }
    running = run().finally(() => {
      running = null;
      if (again) wake();
    });
  }

  return {
    wake,
    get stopping() {
      return stopping;
    },
    async stop() {
      stopping = true;
      await running;
    },
  };
}
