// Workflows (admin). Cached as Workflow[] sorted by name under queryKeys.workflows.
import type { ApiClient } from '../client.ts';
import { useCollection } from '../collection.ts';
import type { Workflow, WorkflowBody } from '../types.ts';
import { queryKeys } from '../queryKeys.ts';

export const useWorkflows = (enabled = true) => useCollection<Workflow>(queryKeys.workflows, '/workflows', { sortByName: true, enabled });

export async function saveWorkflow(api: ApiClient, id: string | null, body: Partial<WorkflowBody>): Promise<Workflow> {
  return id ? (await api.patch<Workflow>(`/workflows/${id}`, body)).data : (await api.post<Workflow>('/workflows', body)).data;
}
