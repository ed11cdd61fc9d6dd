// Schemas shared by every resource: list parameters, text fields, timestamps, e-mail.
import { z } from 'zod';

// Clearer messages than zod's defaults for the two problems clients hit most.
z.config({
  customError: (issue) => {
    if (issue.code === 'invalid_type' && issue.input === undefined) return 'required';
    if (issue.code === 'too_small' && issue.origin === 'string' && issue.minimum === 1) {
      return 'must not be empty';
    }
    return undefined;
  },
});

export const Timestamp = z.iso.datetime().meta({ example: '2026-03-28T14:22:00.000Z' });

/** A trimmed, non-empty string of at most `max` characters. */
export function text(max: number) {
  return z.string().trim().min(1).max(max);
}

export const Email = z.string().trim().toLowerCase().max(254).email();

/** One enum value, or several separated by commas (`status=open,pending`): matches any. */
export function enumFilter<const T extends readonly [string, ...string[]]>(values: T) {
  const allowed = new Set<string>(values);
  return z
    .string()
    .transform((raw, ctx) => {
      const parts = raw.split(',').map((p) => p.trim());
      const bad = parts.filter((p) => !allowed.has(p));
      if (bad.length > 0) {
        ctx.addIssue({
          code: 'custom',
          message: `invalid value ${bad.map((b) => JSON.stringify(b)).join(', ')}: expected one of ${values.join(', ')} (comma-separated for several)`,
        });
        return z.NEVER;
      }
      return [...new Set(parts)] as T[number][];
    })
    .meta({ description: `One of ${values.join(', ')}; several separated by commas match any.` });
}

export const SortOrder = z.enum(['asc', 'desc']).default('desc');

/** The list parameters every collection takes, plus its own filters. */
export function listQuery<const S extends readonly [string, ...string[]], F extends z.ZodRawShape>(
  sortFields: S,
  filters: F,
) {
  return z.strictObject({
    limit: z.coerce.number().int().min(1).max(100).default(50),
    offset: z.coerce.number().int().min(0).max(1_000_000_000).default(0),
    sortBy: z.enum(sortFields).default(sortFields[0]),
    sortOrder: SortOrder,
    ...filters,
  });
}

export type ListParams<S extends string> = {
  limit: number;
  offset: number;
  sortBy: S;
  sortOrder: 'asc' | 'desc';
};

export const ListMetaSchema = z.object({
  total: z.number().int(),
  limit: z.number().int(),
  offset: z.number().int(),
});

export type ListMeta = z.output<typeof ListMetaSchema>;

/** What a list operation returns: one page and where it sits in the whole. */
export interface ListPage<T> {
  data: T[];
  meta: ListMeta;
}

/** Search text: trimmed; an empty value means no search. */
export const SearchText = z.string().trim().max(500);
