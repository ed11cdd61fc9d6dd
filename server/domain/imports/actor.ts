// Who writes imported rows: the system, acting for the job. Their events carry the job's id as
// the actor's, which is how webhooks, workflows and mail know to leave them alone
// (common/rules/events.ts isImportActor), while streams and the search index still see them.
import { scopes } from '../../../common/rules/scopes.ts';
import type { Actor } from '../context.ts';

export function importActor(jobId: string, userId: string | null): Actor {
  return { type: 'system', id: jobId, userId, role: null, scopes, workflowDepth: 0 };
}
