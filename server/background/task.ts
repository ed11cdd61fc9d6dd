import type { Deps } from '../deps.ts';

/** Work that runs beside request handling: started by listen(), stopped by close(). */
export interface BackgroundTask {
  stop(): Promise<void>;
}

export type BackgroundStarter = (deps: Deps) => BackgroundTask;
