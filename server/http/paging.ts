// `page`/`per_page` on every list: an alternative spelling of `limit`/`offset` for integrators
// coming from page-based APIs. It is rewritten into limit/offset before the route's own query
// schema runs, so every list takes it without each schema (or domain function) knowing of it.
import { PageQuery } from '../../common/contract/base.ts';
import { badRequest, type FieldError } from '../core/errors.ts';
import { parseOrThrow } from './validation.ts';

const pageNames = ['page', 'per_page'] as const;
const offsetNames = ['limit', 'offset'] as const;

/**
 * Returns the query with `page`/`per_page` turned into `limit`/`offset` (`defaultLimit` when
 * only `page` is given). Mixing the two styles is a 400 that names the parameters of both.
 */
export function pageToOffset(query: Record<string, string>, defaultLimit: number): Record<string, string> {
  const pages = pageNames.filter((name) => Object.hasOwn(query, name));
  if (pages.length === 0) return query;
  const offsets = offsetNames.filter((name) => Object.hasOwn(query, name));
  if (offsets.length > 0) {
    const errors: FieldError[] = [
      ...pages.map((path) => ({ path, message: `cannot be combined with ${offsets.join('/')}: use page/per_page or limit/offset` })),
      ...offsets.map((path) => ({ path, message: `cannot be combined with ${pages.join('/')}: use page/per_page or limit/offset` })),
    ];
    throw badRequest(`invalid query: ${errors.map((e) => `${e.path}: ${e.message}`).join('; ')}`, errors);
  }
  const picked = { page: query.page, per_page: query.per_page };
  const { page = 1, per_page: perPage = defaultLimit } = parseOrThrow(
    PageQuery,
    Object.fromEntries(Object.entries(picked).filter(([, v]) => v !== undefined)),
    'query',
  );
  const rest: Record<string, string> = Object.create(null) as Record<string, string>;
  for (const [key, value] of Object.entries(query)) if (key !== 'page' && key !== 'per_page') rest[key] = value;
  rest.limit = String(perPage);
  rest.offset = String((page - 1) * perPage);
  return rest;
}
