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

/**
 * A whole number in a query string, written in plain decimal digits: `0x10`, `1e2`, `+5`, `5.0`
 * and the empty string are refused (Number() would read them all), as the contract says.
 */
export function queryInt(min: number, max: number) {
  return z
    .string()
    .regex(/^\d{1,10}$/, `must be a whole number ${min}..${max} in decimal digits`)
    .transform(Number)
    .pipe(z.number().int().min(min).max(max));
}

/**
 * Page-based paging, for integrators coming from APIs that use it: an alternative to
 * `limit`/`offset` on every list (never both). `meta` still reports `limit` and `offset`.
 */
export const PageQuery = z.strictObject({
  page: queryInt(1, 10_000_000)
    .optional()
    .meta({ description: 'Page number from 1 (instead of `offset`); `offset = (page - 1) × per_page`' }),
  per_page: queryInt(1, 100)
    .optional()
    .meta({ description: 'Items per page, 1..100 (instead of `limit`); default the list\'s default limit' }),
});

/** The list parameters every collection takes, plus its own filters. */
export function listQuery<const S extends readonly [string, ...string[]], F extends z.ZodRawShape>(
  sortFields: S,
  filters: F,
) {
  return z.strictObject({
    limit: queryInt(1, 100).default(50).meta({ description: 'Items per page, 1..100 (default 50)' }),
    offset: queryInt(0, 1_000_000_000).default(0).meta({ description: 'Items to skip (default 0)' }),
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
