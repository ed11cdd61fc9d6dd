// Webhooks and their deliveries. Webhooks are cached as Optional<Webhook[]> (a server without
// the webhooks API answers 404: `unavailable`), deliveries as WebhookDelivery[].
import { useQuery } from '@tanstack/react-query';
import { useSession } from '../../app/context.tsx';
import { listOptional } from '../collection.ts';
import { queryKeys } from '../queryKeys.ts';
import type { Webhook, WebhookDelivery } from '../types.ts';

export function useWebhooks() {
  const { api } = useSession();
  return useQuery({
    queryKey: queryKeys.webhooks,
    retry: false,
    queryFn: ({ signal }) => listOptional<Webhook>(api, '/webhooks', signal),
  });
}

export function useDeliveries(webhookId: string) {
  const { api } = useSession();
  return useQuery({
    queryKey: queryKeys.deliveries(webhookId),
    refetchInterval: 10_000,
    queryFn: async ({ signal }) =>
      (await api.get<WebhookDelivery[]>(`/webhooks/${webhookId}/deliveries`, { query: { limit: 50 }, signal })).data,
  });
}
