// The server's hand-over between the API and its import runner, in memory only: the credentials
// a job was started with (kept until its run takes them, never written anywhere), a wake-up
// call when a job is queued, and the run to abort when a job is cancelled.
import type { Credentials } from './sources.ts';

export class ImportQueue {
  private readonly credentials = new Map<string, Credentials>();
  private readonly runs = new Map<string, AbortController>();
  /** Every job submitted to this process, with or without credentials. */
  private readonly submitted = new Set<string>();
  private listener: (() => void) | null = null;

  /** Keeps a job's credentials for its run and wakes the runner. */
  submit(jobId: string, credentials: Credentials | null): void {
    if (credentials) this.credentials.set(jobId, credentials);
    this.submitted.add(jobId);
    this.listener?.();
  }

  /** The credentials for a run, handed over once. */
  take(jobId: string): Credentials | null {
    const credentials = this.credentials.get(jobId) ?? null;
    this.credentials.delete(jobId);
    return credentials;
  }

  /** Forgets credentials of a job that will not run (cancelled while queued). */
  drop(jobId: string): void {
    this.credentials.delete(jobId);
  }

  onSubmit(listener: (() => void) | null): void {
    this.listener = listener;
  }

  started(jobId: string, controller: AbortController): void {
    this.runs.set(jobId, controller);
  }

  ended(jobId: string): void {
    this.runs.delete(jobId);
    this.submitted.delete(jobId);
  }

  /**
   * The jobs this process was given. Servers sharing a PostgreSQL database each run only their
   * own: a job's credentials (and a CSV job's uploaded file) are on the server that took it.
   */
  get mine(): string[] {
    return [...this.submitted];
  }

  /** Stops this process's run of the job, if it has one. */
  cancel(jobId: string): void {
    this.drop(jobId);
    this.runs.get(jobId)?.abort('cancel');
  }
}
