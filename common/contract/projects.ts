import { z } from 'zod';
import { Timestamp, listQuery, text } from './base.ts';

export const slugPattern = /^[a-z0-9]+(?:-[a-z0-9]+)*$/;
export const slugMaxLength = 60;

/** A slug as a client gives it: already in its final form (no silent rewriting of explicit input). */
export const Slug = z
  .string()
  .trim()
  .min(1, { abort: true }) // an empty slug is one problem, not also a pattern mismatch
  .max(slugMaxLength)
  .regex(slugPattern, 'must be lower-case ASCII letters and digits in groups joined by single hyphens')
  .meta({ description: 'Unique; lower-case letters, digits and single hyphens', example: 'billing-refunds' });

export const Project = z
  .object({
    id: z.string(),
    name: z.string(),
    slug: z.string(),
    active: z.boolean().meta({ description: 'false: archived; keeps its tickets but takes no new ones' }),
    createdAt: Timestamp,
    updatedAt: Timestamp,
  })
  .meta({ id: 'Project' });

/** `true` or `false` in a query string (anything else is a 400, not a silent default). */
const booleanFilter = z.enum(['true', 'false']).transform((v) => v === 'true');

export const ProjectListQuery = listQuery(['createdAt', 'name'], {
  active: booleanFilter.optional().meta({ description: 'true: active projects; false: archived' }),
});

export const ProjectCreate = z.strictObject({
  name: text(200),
  slug: Slug.optional().meta({
    description: 'Derived from the name when absent (e.g. "Billing & Refunds!" → billing-refunds)',
  }),
  active: z.boolean().default(true),
});

export const ProjectPatch = z
  .strictObject({
    name: text(200).optional().meta({ description: 'Renaming keeps the slug; give `slug` to change it' }),
    slug: Slug.optional(),
    active: z.boolean().optional(),
  })
  .refine((body) => Object.keys(body).length > 0, {
    message: 'give at least one field to change',
  });

export type ProjectT = z.output<typeof Project>;
export type ProjectCreateInput = z.output<typeof ProjectCreate>;
export type ProjectPatchInput = z.output<typeof ProjectPatch>;
export type ProjectListParams = z.output<typeof ProjectListQuery>;
