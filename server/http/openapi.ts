// The OpenAPI 3.1 document, generated from the same route declarations and zod schemas that
// validate requests (OpenAPI 3.1 schemas are JSON Schema 2020-12, which zod emits directly).
import { z } from 'zod';
import { scopes } from '../../common/rules/scopes.ts';
import { errorCodes } from '../core/errors.ts';
import type { RouteDef } from './route.ts';
import { ListMetaSchema, PageQuery } from '../../common/contract/base.ts';

type JsonSchema = Record<string, unknown>;

/** Converts a schema, moving named sub-schemas (`.meta({ id })`) into `components`. */
function toSchema(
  schema: z.ZodType,
  io: 'input' | 'output',
  components: Record<string, JsonSchema>,
): JsonSchema {
  const json = z.toJSONSchema(schema, { io, unrepresentable: 'any' }) as JsonSchema;
  delete json.$schema;
  const defs = (json.$defs ?? {}) as Record<string, JsonSchema>;
  delete json.$defs;
  const text = JSON.stringify(json).replaceAll('"#/$defs/', '"#/components/schemas/');
  for (const [name, def] of Object.entries(defs)) {
    components[name] = JSON.parse(
      JSON.stringify(def).replaceAll('"#/$defs/', '"#/components/schemas/'),
    ) as JsonSchema;
  }
  return JSON.parse(text) as JsonSchema;
}

const ErrorEnvelope = z
  .object({
    data: z.null(),
    error: z.object({
      code: z.enum(errorCodes),
      message: z.string(),
      details: z.record(z.string(), z.unknown()).optional(),
    }),
  })
  .meta({ id: 'ErrorEnvelope' });

const errorResponse = (description: string) => ({
  description,
  content: { 'application/json': { schema: { $ref: '#/components/schemas/ErrorEnvelope' } } },
});

export interface PublicOperation {
  method: 'get';
  path: string;
  tag: string;
  summary: string;
  response: z.ZodType;
  envelope: boolean;
  description?: string;
  /** Media type of the 200 response; JSON unless given. */
  contentType?: string;
  /** A key is needed only in some setups (LAN mode): documents the key as optional, and 401/403. */
  keyOptional?: boolean;
}

export function buildOpenApi(
  routes: readonly RouteDef[],
  publicOps: readonly PublicOperation[],
  info: { version: string },
): JsonSchema {
  const components: Record<string, JsonSchema> = {};
  toSchema(ErrorEnvelope, 'output', components);
  const paths: Record<string, Record<string, unknown>> = {};

  for (const route of routes) {
    const path = `/api/v1${route.path.replace(/:(\w+)/g, '{$1}')}`;
    const parameters: unknown[] = [...route.path.matchAll(/:(\w+)/g)].map((m) => ({
      name: m[1],
      in: 'path',
      required: true,
      schema: { type: 'string' },
    }));
    if (route.query) {
      const q = toSchema(route.query, 'input', components);
      const required = new Set((q.required as string[] | undefined) ?? []);
      for (const [name, schema] of Object.entries((q.properties ?? {}) as Record<string, JsonSchema>)) {
        const { description, ...rest } = schema;
        parameters.push({ name, in: 'query', required: required.has(name), description, schema: rest });
      }
      if (route.list) {
        // pipeline.ts turns these into limit/offset for every list (paging.ts).
        const paging = toSchema(PageQuery, 'input', components);
        for (const [name, schema] of Object.entries((paging.properties ?? {}) as Record<string, JsonSchema>)) {
          const { description, ...rest } = schema;
          parameters.push({ name, in: 'query', required: false, description: `${String(description)}. Never with limit/offset.`, schema: rest });
        }
      }
    }
    if (route.method === 'POST' && route.idempotency !== false) {
      parameters.push({
        name: 'Idempotency-Key',
        in: 'header',
        required: false,
        description: 'Replays the first response for 24 h instead of acting again' +
          (route.secretFields ? ` (${route.secretFields.join(', ')} then comes back null)` : ''),
        schema: { type: 'string', maxLength: 255 },
      });
    }
    if (route.method === 'PATCH' || route.method === 'PUT' || route.method === 'DELETE') {
      parameters.push({
        name: 'If-Match',
        in: 'header',
        required: false,
        description: 'The ETag from GET; 412 if the resource changed since',
        schema: { type: 'string' },
      });
    }
    const data = route.response ? toSchema(route.response, 'output', components) : { type: 'null' };
    const success = route.list
      ? { type: 'object', properties: { data, meta: toSchema(ListMetaSchema, 'output', components), error: { type: 'null' } }, required: ['data', 'meta', 'error'] }
      : { type: 'object', properties: { data, error: { type: 'null' } }, required: ['data', 'error'] };
    const status = String(route.status ?? 200);
    const responses: Record<string, unknown> = {
      [status]:
        status === '204'
          ? { description: 'Done; no body' }
          : route.produces
            ? {
                description: route.produces.description,
                content: { [route.produces.mediaType]: { schema: { type: 'string', format: 'binary' } } },
              }
            : { description: 'Success', content: { 'application/json': { schema: success } } },
      '400': errorResponse('Invalid parameters or body; `details.errors` lists every problem'),
      '401': errorResponse('Missing, unknown or revoked API key, or an ended session'),
      '403': errorResponse('The key lacks the scope (`details.required`, `details.granted`)'),
      '429': errorResponse('Rate limit exceeded; see `Retry-After`'),
    };
    if (route.path.includes(':')) responses['404'] = errorResponse('No such resource');
    if (route.errors?.includes('CONFLICT')) {
      responses['409'] = errorResponse('Conflict with the current state (uniqueness, state)');
    }
    if (route.errors?.includes('PRECONDITION_FAILED') || ['PATCH', 'PUT', 'DELETE'].includes(route.method)) {
      responses['412'] = errorResponse('If-Match does not match the current ETag');
    }
    if (route.body) {
      responses['413'] = errorResponse('Body over the size limit');
      responses['415'] = errorResponse('Body is not JSON');
    }
    if (route.bodyStream) {
      responses['413'] = errorResponse('Body over the size limit (`details.limitBytes`)');
      responses['415'] = errorResponse(`Body is not one of ${route.bodyStream.mediaTypes.join(', ')}`);
    }
    const operation: Record<string, unknown> = {
      tags: [route.tag],
      summary: route.summary,
      ...(route.description ? { description: route.description } : {}),
      'x-required-scope': route.scope === 'any' ? 'any valid key or session' : route.scope,
      ...(route.scope === 'none' ? { security: [] } : {}),
      parameters,
      responses,
    };
    if (route.bodyStream) {
      const binary = { type: 'string', format: 'binary' };
      operation.requestBody = {
        required: true,
        description: route.bodyStream.description,
        content: Object.fromEntries(
          route.bodyStream.mediaTypes.map((type) => [
            type,
            { schema: type === 'multipart/form-data' ? { type: 'object', properties: { file: binary }, required: ['file'] } : binary },
          ]),
        ),
      };
    } else if (route.body) {
      operation.requestBody = {
        required: true,
        content: { 'application/json': { schema: toSchema(route.body, 'input', components) } },
      };
    }
    paths[path] ??= {};
    paths[path][route.method.toLowerCase()] = operation;
  }

  for (const op of publicOps) {
    const data = toSchema(op.response, 'output', components);
    const schema = op.envelope
      ? { type: 'object', properties: { data, error: { type: 'null' } }, required: ['data', 'error'] }
      : data;
    paths[op.path] ??= {};
    const content = { [op.contentType ?? 'application/json']: { schema } };
    paths[op.path]![op.method] = {
      tags: [op.tag],
      summary: op.summary,
      ...(op.description ? { description: op.description } : {}),
      // `{}` admits a request without a key; the others document the optional key.
      security: op.keyOptional ? [{}, { apiKey: [] }, { bearer: [] }] : [],
      responses: {
        '200': { description: 'Success', content },
        ...(op.keyOptional
          ? {
              '401': errorResponse('A key is required here and is missing, unknown or revoked'),
              '403': errorResponse('The key lacks the scope (`details.required`)'),
            }
          : {}),
      },
    };
  }

  return {
    openapi: '3.1.0',
    info: {
      title: 'LocalDesk API',
      version: info.version,
      description:
        'The LocalDesk /api/v1 contract. Every response is an envelope `{ data, meta?, error }`. ' +
        `Scopes: ${scopes.join(', ')} (admin implies all). Rate-limited per key; every ` +
        'authenticated response carries X-RateLimit-Limit, X-RateLimit-Remaining and ' +
        'X-RateLimit-Reset. Unknown body fields and query parameters are rejected with 400. ' +
        'People signed in to the web UI use a session cookie (`ldk_session`, from POST ' +
        '/auth/login or /invitations/accept) instead of a key: a write made with it needs an ' +
        'Origin (or Referer) of the server itself and the `X-LocalDesk-CSRF: 1` header.',
    },
    servers: [{ url: '/' }],
    security: [{ apiKey: [] }, { bearer: [] }, { session: [] }],
    paths,
    components: {
      schemas: components,
      securitySchemes: {
        apiKey: { type: 'apiKey', in: 'header', name: 'X-API-Key' },
        bearer: { type: 'http', scheme: 'bearer' },
        session: { type: 'apiKey', in: 'cookie', name: 'ldk_session' },
      },
    },
  };
}
