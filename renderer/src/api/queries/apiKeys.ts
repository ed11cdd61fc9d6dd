// API keys (never their secrets). Cached as ApiKeyInfo[] newest first under queryKeys.apiKeys.
import type { ApiClient } from '../client.ts';
import { useCollection } from '../collection.ts';
import { queryKeys } from '../queryKeys.ts';
import type { ApiKeyCreateBody, ApiKeyCreated, ApiKeyInfo } from '../types.ts';

export const useApiKeys = () => useCollection<ApiKeyInfo>(queryKeys.apiKeys, '/api-keys');

export async function createApiKey(api: ApiClient, body: ApiKeyCreateBody): Promise<ApiKeyCreated> {
  return (await api.post<ApiKeyCreated>('/api-keys', body)).data;
}
