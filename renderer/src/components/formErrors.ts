// Maps an API failure onto a form: each `details.errors[]` problem goes next to the field it
// names (the longest known field that prefixes its path, so `actions.addTags.0` lands on
// `actions.addTags`), and whatever cannot be placed becomes one general message.
import { ApiError, type FieldProblem } from '../api/client.ts';

export interface FormErrors<F extends string> {
  fields: Partial<Record<F, string>>;
  general: string | null;
}

export const noErrors = { fields: {}, general: null } as const;

/** The form field a problem path belongs to, or null. */
export function fieldForPath<F extends string>(path: string, fields: readonly F[]): F | null {
  let best: F | null = null;
  for (const field of fields) {
    const matches = path === field || path.startsWith(`${field}.`) || path.startsWith(`${field}[`);
    if (matches && (best === null || field.length > best.length)) best = field;
  }
  return best;
}

/** Groups problems by field (the first message per field is shown); unplaced ones go to `general`. */
export function mapProblems<F extends string>(
  problems: readonly FieldProblem[],
  fields: readonly F[],
): FormErrors<F> {
  const byField: Partial<Record<F, string>> = {};
  const leftovers: string[] = [];
  for (const problem of problems) {
    const field = fieldForPath(problem.path, fields);
    if (field && byField[field] === undefined) byField[field] = problem.message;
    else if (!field) leftovers.push(problem.path ? `${problem.path}: ${problem.message}` : problem.message);
  }
  return { fields: byField, general: leftovers.length > 0 ? leftovers.join('; ') : null };
}

/**
 * Any thrown error as form errors. A 400 with field problems is spread over the fields; a 409
 * that names its field (`details.field`) lands there; anything else is a general message.
 */
export function formErrorsOf<F extends string>(err: unknown, fields: readonly F[]): FormErrors<F> {
  if (!(err instanceof ApiError)) {
    return { fields: {}, general: err instanceof Error ? err.message : 'Something went wrong.' };
  }
  if (err.problems.length > 0) return mapProblems(err.problems, fields);
  const named = typeof err.details?.field === 'string' ? fieldForPath(err.details.field, fields) : null;
  if (named) return { fields: { [named]: err.message } as Partial<Record<F, string>>, general: null };
  return { fields: {}, general: err.message };
}

/** A human sentence for any error, for toasts and banners. */
export function messageOf(err: unknown): string {
  if (err instanceof ApiError) {
    if (err.problems.length > 0) return err.problems.map((p) => `${p.path}: ${p.message}`).join('; ');
    return err.message;
  }
  return err instanceof Error ? err.message : 'Something went wrong.';
}
