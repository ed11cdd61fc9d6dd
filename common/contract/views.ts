import { z } from 'zod';
import { idPattern } from '../rules/ids.ts';
import { SearchText, Timestamp, listQuery, text } from './base.ts';
import { Priority, TagName, TicketStatus } from './tickets.ts';

const viewSortFields = ['createdAt', 'updatedAt', 'priority', 'status'] as const;

/** The ticket list filters a view saves, as GET /tickets takes them (lists as arrays). */
export const ViewFilters = z
  .strictObject({
    status: z.array(TicketStatus).max(4).optional(),
    priority: z.array(Priority).max(4).optional(),
    assignedTo: z
      .string()
      .trim()
      .refine((v) => v === 'me' || v === 'none' || idPattern('user').test(v), 'must be me, none or a usr_ id')
      .optional()
      .meta({ description: '`me` (whoever opens the view), `none`, or a usr_ id' }),
    projectId: z
      .string()
      .trim()
      .refine((v) => v === 'none' || idPattern('project').test(v), 'must be none or a prj_ id')
      .optional(),
    tag: TagName.optional(),
    search: SearchText.optional(),
    sla: z.enum(['breached', 'due-soon']).optional(),
  })
  .meta({ id: 'ViewFilters' });

export const View = z
  .object({
    id: z.string(),
    name: z.string(),
    filters: ViewFilters,
    sortBy: z.enum(viewSortFields),
    sortOrder: z.enum(['asc', 'desc']),
    createdAt: Timestamp,
    updatedAt: Timestamp,
  })
  .meta({ id: 'View' });

export const ViewListQuery = listQuery(['createdAt', 'name'], {}).extend({
  sortOrder: z.enum(['asc', 'desc']).default('asc'),
});

export const ViewCreate = z.strictObject({
  name: text(60).meta({ description: 'Unique per user, in any case' }),
  filters: ViewFilters.default({}),
  sortBy: z.enum(viewSortFields).default('createdAt'),
  sortOrder: z.enum(['asc', 'desc']).default('desc'),
});

export const ViewPatch = z
  .strictObject({
    name: text(60).optional(),
    filters: ViewFilters.optional().meta({ description: 'Replaces the saved filters as a whole' }),
    sortBy: z.enum(viewSortFields).optional(),
    sortOrder: z.enum(['asc', 'desc']).optional(),
  })
  .refine((body) => Object.keys(body).length > 0, { message: 'give at least one field to change' });

export type ViewT = z.output<typeof View>;
export type ViewFiltersT = z.output<typeof ViewFilters>;
export type ViewCreateInput = z.output<typeof ViewCreate>;
export type ViewPatchInput = z.output<typeof ViewPatch>;
export type ViewListParams = z.output<typeof ViewListQuery>;
