import { z } from 'zod';
import { SearchText, Timestamp, listQuery } from './base.ts';
import { TagName } from './tickets.ts';

/** `#rrggbb`, stored lower-case (`#FFAA00` is accepted as `#ffaa00`). */
export const TagColor = z
  .string()
  .trim()
  .toLowerCase()
  .regex(/^#[0-9a-f]{6}$/, 'must be a #rrggbb hex colour')
  .meta({ example: '#3b82f6' });

export const Tag = z
  .object({
    id: z.string(),
    name: z.string(),
    color: z.string().nullable(),
    ticketCount: z.number().int().meta({ description: 'How many tickets carry the tag' }),
    createdAt: Timestamp,
    updatedAt: Timestamp,
  })
  .meta({ id: 'Tag' });

export const TagListQuery = listQuery(['createdAt', 'name', 'ticketCount'], {
  search: SearchText.toLowerCase()
    .optional()
    .meta({ description: 'Only tags whose name contains this text (names are lower-case)' }),
});

export const TagCreate = z.strictObject({
  name: TagName.meta({ description: 'Unique; trimmed and lower-cased; no commas' }),
  color: TagColor.nullable().optional(),
});

export const TagPatch = z
  .strictObject({
    name: TagName.optional().meta({ description: 'Renames the tag on every ticket carrying it' }),
    color: TagColor.nullable().optional().meta({ description: '`null` removes the colour' }),
  })
  .refine((body) => Object.keys(body).length > 0, {
    message: 'give at least one field to change',
  });

export type TagT = z.output<typeof Tag>;
export type TagCreateInput = z.output<typeof TagCreate>;
export type TagPatchInput = z.output<typeof TagPatch>;
export type TagListParams = z.output<typeof TagListQuery>;
