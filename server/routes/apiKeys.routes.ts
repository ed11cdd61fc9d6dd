import { z } from 'zod';
import { defineRoute } from '../http/route.ts';
import { ApiKey, ApiKeyCreate, ApiKeyListQuery, ApiKeyWithSecret } from '../../common/contract/apiKeys.ts';
import { createApiKey, getApiKey, listVisibleApiKeys, revokeApiKey } from '../domain/apiKeys/apiKeys.service.ts';

const tag = 'API keys';

const visibility =
  'A key with the `admin` scope sees every key; any other key sees only the keys of its own ' +
  "user (other people's key names and prefixes are not everyone's business). The secret is " +
  'never returned here: only its `prefix`.';

export const apiKeyRoutes = [
  defineRoute({
    method: 'GET',
    path: '/api-keys',
    tag,
    summary: 'List API keys',
    description: visibility,
    scope: 'any',
    query: ApiKeyListQuery,
    response: z.array(ApiKey),
    list: true,
    handler: ({ ctx, query }) => listVisibleApiKeys(ctx, query),
  }),
  defineRoute({
    method: 'GET',
    path: '/api-keys/:id',
    tag,
    summary: 'Get an API key',
    description: `${visibility} A key the caller may not see is a 404.`,
    scope: 'any',
    response: ApiKey,
    handler: async ({ ctx, params }) => ({
      data: await getApiKey(ctx, params.id),
    }),
  }),
  defineRoute({
    method: 'POST',
    path: '/api-keys',
    tag,
    summary: 'Create an API key',
    description:
      'Returns the secret `key` in this response only: the server keeps just its SHA-256 hash. ' +
      "`userId` defaults to the caller's user, who must be active; the `admin` scope may only " +
      'be given to a key of an admin user. `rateLimitPerMinute` null (default) follows the ' +
      'server-wide limit.',
    scope: 'admin',
    body: ApiKeyCreate,
    status: 201,
    response: ApiKeyWithSecret,
    secretFields: ['key'],
    handler: async ({ ctx, body }) => ({
      data: await createApiKey(ctx, body),
    }),
  }),
  defineRoute({
    method: 'DELETE',
    path: '/api-keys/:id',
    tag,
    summary: 'Revoke an API key',
    description:
      'The key stops authenticating at once; it stays listed with `revokedAt`. Revoking an ' +
      'already revoked key is also a 204 and keeps the first `revokedAt`.',
    scope: 'admin',
    status: 204,
    handler: async ({ ctx, params }) => {
      await revokeApiKey(ctx, params.id);
      return { data: null };
    },
  }),
];
