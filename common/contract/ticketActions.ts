// Request and response schemas of the actions on many tickets at once: bulk edit and merge.
import { z } from 'zod';
import { Priority, TagName, TicketStatus } from './tickets.ts';

const TicketRef = z.string().trim().min(1).meta({ description: 'A tkt_ id' });
const TagNames = z.array(TagName).max(50);

export const TicketBulkSet = z
  .strictObject({
    status: TicketStatus.optional(),
    priority: Priority.optional().meta({ description: 'Recomputes each ticket’s SLA due times' }),
    assignedTo: z
      .string()
      .trim()
      .min(1)
      .nullable()
      .optional()
      .meta({ description: 'A usr_ id of an active user, or null to unassign' }),
    projectId: z
      .string()
      .trim()
      .min(1)
      .nullable()
      .optional()
      .meta({ description: 'A prj_ id of an active project, or null for no project' }),
    addTags: TagNames.optional().meta({ description: 'Tag names to add; unknown names are created' }),
    removeTags: TagNames.optional().meta({ description: 'Tag names to remove' }),
  })
  .refine((set) => Object.keys(set).length > 0, { message: 'give at least one field to change' })
  .superRefine((set, ctx) => {
    // Adding and removing the same tag in one request has no clear meaning: refuse it.
    const adding = new Set(set.addTags ?? []);
    const both = [...new Set(set.removeTags ?? [])].filter((name) => adding.has(name));
    if (both.length > 0) {
      ctx.addIssue({
        code: 'custom',
        path: ['removeTags'],
        message: `tag ${both.join(', ')} is also in addTags`,
      });
    }
  });

export const TicketBulkUpdate = z.strictObject({
  ids: z
    .array(TicketRef)
    .min(1)
    .max(500)
    .meta({ description: '1 to 500 ticket ids; duplicates are ignored' }),
  set: TicketBulkSet,
});

export const TicketBulkResult = z
  .object({
    updated: z.number().int().meta({ description: 'How many tickets were changed' }),
    notFound: z
      .array(z.string())
      .meta({ description: 'The given ids that match no ticket, in request order' }),
  })
  .meta({ id: 'TicketBulkResult' });

export const TicketMerge = z.strictObject({
  sourceIds: z
    .array(TicketRef)
    .min(1)
    .max(50)
    .meta({ description: '1 to 50 tickets to merge into this one; duplicates are ignored' }),
});

export type TicketBulkUpdateInput = z.output<typeof TicketBulkUpdate>;
export type TicketBulkResultT = z.output<typeof TicketBulkResult>;
export type TicketMergeInput = z.output<typeof TicketMerge>;
