// Workflow conditions, evaluated against an event's data. Pure functions: no database, no clock.
import type { ConditionT } from '../../../common/contract/workflows.ts';

/**
 * The value at a dotted path (`ticket.priority`), or undefined when any step is missing. Only
 * own properties are followed, so `constructor` or `__proto__` never reach the prototype.
 */
export function lookup(data: unknown, path: string): unknown {
  let current: unknown = data;
  for (const key of path.split('.')) {
    if (current === null || typeof current !== 'object' || Array.isArray(current)) return undefined;
    if (!Object.hasOwn(current, key)) return undefined;
    current = (current as Record<string, unknown>)[key];
  }
  return current;
}

/** Deep equality of JSON values (object key order does not matter). */
export function jsonEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (a === null || b === null || typeof a !== 'object' || typeof b !== 'object') return false;
  if (Array.isArray(a) || Array.isArray(b)) {
    if (!Array.isArray(a) || !Array.isArray(b) || a.length !== b.length) return false;
    return a.every((item, i) => jsonEqual(item, b[i]));
  }
  const left = a as Record<string, unknown>;
  const right = b as Record<string, unknown>;
  const keys = Object.keys(left);
  if (keys.length !== Object.keys(right).length) return false;
  return keys.every((key) => Object.hasOwn(right, key) && jsonEqual(left[key], right[key]));
}

/**
 * One condition. A missing field equals nothing (so `neq` holds for it). `contains` is a
 * case-insensitive substring test on a string field and a membership test on an array field.
 */
export function conditionHolds(condition: ConditionT, data: unknown): boolean {
  const actual = lookup(data, condition.field);
  switch (condition.op) {
    case 'eq':
      return actual !== undefined && jsonEqual(actual, condition.value);
    case 'neq':
      return actual === undefined || !jsonEqual(actual, condition.value);
    case 'in':
      return actual !== undefined && condition.value.some((v) => jsonEqual(actual, v));
    case 'contains':
      if (typeof actual === 'string') {
        return actual.toLowerCase().includes(condition.value.toLowerCase());
      }
      if (Array.isArray(actual)) return actual.some((v) => jsonEqual(v, condition.value));
      return false;
  }
}

/** Every condition holds (an empty list always does). */
export function conditionsHold(conditions: readonly ConditionT[], data: unknown): boolean {
  return conditions.every((c) => conditionHolds(c, data));
}
