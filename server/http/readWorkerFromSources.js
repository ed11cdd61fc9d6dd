// The read pool's worker when the server runs from its TypeScript sources (tests, bin/localdesk.js):
// a worker thread does not inherit the tsx loader, so it registers it before loading the worker.
// The bundle (dist/server/readWorker.js) needs none of this.
import { register } from 'tsx/esm/api';

register();
await import('./readWorker.ts');
