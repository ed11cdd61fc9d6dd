import { z } from 'zod';
import { defineRoute } from '../http/route.ts';
import { MAX_WORKFLOW_DEPTH } from '../domain/workflows/workflows.run.ts';
import { Workflow, WorkflowCreate, WorkflowListQuery, WorkflowPatch } from '../../common/contract/workflows.ts';
import {
  createWorkflow,
  deleteWorkflow,
  getWorkflow,
  listWorkflows,
  updateWorkflow,
} from '../domain/workflows/workflows.service.ts';

const tag = 'Workflows';

export const workflowRoutes = [
  defineRoute({
    method: 'GET',
    path: '/workflows',
    tag,
    summary: 'List workflows (automations run on events)',
    scope: 'admin',
    query: WorkflowListQuery,
    response: z.array(Workflow),
    list: true,
    handler: ({ ctx, query }) => listWorkflows(ctx, query),
  }),
  defineRoute({
    method: 'GET',
    path: '/workflows/:id',
    tag,
    summary: 'Get a workflow',
    scope: 'admin',
    response: Workflow,
    handler: async ({ ctx, params }) => ({ data: await getWorkflow(ctx, params.id) }),
  }),
  defineRoute({
    method: 'POST',
    path: '/workflows',
    tag,
    summary: 'Create a workflow',
    description:
      'When an event of type `trigger` is committed and every condition holds on its `data`, ' +
      "the actions change the event's ticket (`data.ticket.id`, or `data.ticketId` for " +
      'message.created and custom.* events; an event without one is skipped) in one ' +
      'transaction, recorded with actor `{ type: "workflow", id }`. A workflow\'s own changes ' +
      'never trigger it again, and a chain of workflows triggering each other stops after ' +
      `${MAX_WORKFLOW_DEPTH} runs. Every problem is reported at once: the users, projects ` +
      'and macros named must exist, and the trigger must carry a ticket.',
    scope: 'admin',
    body: WorkflowCreate,
    status: 201,
    response: Workflow,
    handler: async ({ ctx, body }) => ({ data: await createWorkflow(ctx, body) }),
  }),
  defineRoute({
    method: 'PATCH',
    path: '/workflows/:id',
    tag,
    summary: 'Change, pause or resume a workflow',
    description: 'Only the given fields change; `conditions` and `actions` replace the whole list.',
    scope: 'admin',
    body: WorkflowPatch,
    response: Workflow,
    handler: async ({ ctx, params, body }) => ({
      data: await updateWorkflow(ctx, params.id, body),
    }),
  }),
  defineRoute({
    method: 'DELETE',
    path: '/workflows/:id',
    tag,
    summary: 'Delete a workflow',
    description: 'Changes it already made stay; a run in progress finishes.',
    scope: 'admin',
    status: 204,
    handler: async ({ ctx, params }) => {
      await deleteWorkflow(ctx, params.id);
      return { data: null };
    },
  }),
];
