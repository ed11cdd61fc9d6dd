// API keys (never their secrets). Cached as ApiKeyInfo[] newest first under queryKeys.apiKeys.
import type { ApiClient } from '../client.ts';
import { listAll, useCollection } from '../collection.ts';
import { queryKeys } from '../queryKeys.ts';
import type { ApiKeyCreateBody, ApiKeyCreated, ApiKeyInfo } from '../types.ts';

export const useApiKeys = () => useCollection<ApiKeyInfo>(queryKeys.apiKeys, '/api-keys');

export async function createApiKey(api: ApiClient, body: ApiKeyCreateBody): Promise<ApiKeyCreated> {
  return (await api.post<ApiKeyCreated>('/api-keys', body)).data;
}

/** The live key the client signs in with, found by its prefix among its user's keys. */
export async function findOwnKey(api: ApiClient, userId: string): Promise<ApiKeyInfo | null> {
  const secret = api.key;
  if (!secret) return null;
  const keys = await listAll<ApiKeyInfo>(api, '/api-keys', undefined, { userId, revoked: 'false' });
  return keys.find((k) => secret.startsWith(k.prefix)) ?? null;
}
