import { z } from 'zod';
import { defineRoute } from '../http/route.ts';
import { SlaPolicy, SlaPolicyPut } from '../../common/contract/sla.ts';
import { getSlaPolicy, listSlaPolicies, putSlaPolicy } from '../domain/sla/sla.service.ts';

const tag = 'SLA policies';

const timing =
  "A ticket's due times are `createdAt` plus its priority's `firstResponseMinutes` and " +
  '`resolutionMinutes`, fixed when the ticket is created and recomputed (still from ' +
  '`createdAt`) when its priority changes.';

export const slaRoutes = [
  defineRoute({
    method: 'GET',
    path: '/sla-policies',
    tag,
    summary: 'List the SLA policies',
    description:
      `One policy per priority, most urgent first: urgent, high, medium, low. ${timing} ` +
      'Not paginated (there are always four), so the response has no `meta`.',
    scope: 'any',
    response: z.array(SlaPolicy),
    handler: async ({ ctx }) => ({ data: await listSlaPolicies(ctx) }),
  }),
  defineRoute({
    method: 'GET',
    path: '/sla-policies/:priority',
    tag,
    summary: "Get one priority's SLA policy",
    description: 'A path that is not one of `urgent`, `high`, `medium`, `low` is a 404.',
    scope: 'any',
    response: SlaPolicy,
    handler: async ({ ctx, params }) => ({
      data: await getSlaPolicy(ctx, params.priority ?? ''),
    }),
  }),
  defineRoute({
    method: 'PUT',
    path: '/sla-policies/:priority',
    tag,
    summary: "Replace one priority's SLA targets",
    description:
      'Both fields are required: whole minutes, 1..525600, with `firstResponseMinutes` not ' +
      `greater than \`resolutionMinutes\`. ${timing} The change applies to tickets created, or ` +
      'whose priority changes, afterwards; the due times of existing tickets are not rewritten ' +
      '(nor, therefore, their breach status). A path that is not one of `urgent`, `high`, ' +
      '`medium`, `low` is a 404; an invalid body is a 400 whatever the path.',
    scope: 'admin',
    body: SlaPolicyPut,
    response: SlaPolicy,
    handler: async ({ ctx, params, body }) => ({
      data: await putSlaPolicy(ctx, params.priority ?? '', body),
    }),
  }),
];
