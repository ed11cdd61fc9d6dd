import type { z } from 'zod';
import { badRequest, type FieldError } from '../core/errors.ts';

/** Flattens zod issues into `{ path, message }` pairs, one per problem (one per unknown key). */
export function issuesToErrors(issues: readonly z.core.$ZodIssue[], prefix = ''): FieldError[] {
  const errors: FieldError[] = [];
  for (const issue of issues) {
    const base = [prefix, ...issue.path.map(String)].filter(Boolean).join('.');
    if (issue.code === 'unrecognized_keys') {
      for (const key of issue.keys) {
        errors.push({ path: base ? `${base}.${key}` : key, message: 'unknown field' });
      }
    } else {
      errors.push({ path: base, message: issue.message });
    }
  }
  return errors;
}

/** Parses `value` with `schema` or throws a 400 that lists every problem. */
export function parseOrThrow<S extends z.ZodType>(
  schema: S,
  value: unknown,
  where: 'body' | 'query',
): z.output<S> {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const errors = issuesToErrors(result.error.issues);
  const summary = errors.map((e) => (e.path ? `${e.path}: ${e.message}` : e.message)).join('; ');
  throw badRequest(`invalid ${where}: ${summary}`, errors);
}
