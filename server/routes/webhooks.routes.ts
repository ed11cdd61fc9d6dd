import { z } from 'zod';
import { defineRoute } from '../http/route.ts';
import {
  Delivery,
  DeliveryListQuery,
  Webhook,
  WebhookCreate,
  WebhookListQuery,
  WebhookPatch,
  WebhookWithSecret,
} from '../../common/contract/webhooks.ts';
import {
  createWebhook,
  deleteWebhook,
  getWebhook,
  listDeliveries,
  listWebhooks,
  updateWebhook,
} from '../domain/webhooks/webhooks.service.ts';

const tag = 'Webhooks';

const deliveryDoc =
  'Each matching event is POSTed as the event JSON with the headers `LocalDesk-Event` (its ' +
  'type), `LocalDesk-Delivery` (a dlv_ id, the same on every retry) and `LocalDesk-Signature: ' +
  't=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<raw body>" keyed with the secret>`. A 2xx ' +
  'answer within 10 s is a success; anything else (redirects included) is retried with ' +
  'exponential backoff and jitter: 8 attempts in all, the last about 20 minutes after the ' +
  'first. Deliveries survive a restart; a receiver may see one twice, so dedupe by dlv_ id. ' +
  'Targets: never link-local or cloud metadata addresses (169.254.0.0/16, fe80::/10, ' +
  'metadata.google.internal), 0.0.0.0, multicast or reserved ones; private (LAN) and loopback ' +
  'addresses only while the server allows them (LOCALDESK_WEBHOOK_ALLOW_PRIVATE, on by default). ' +
  'A host name is checked against the addresses it resolves to when each delivery connects. A ' +
  'URL may not carry a user name or password.';

export const webhookRoutes = [
  defineRoute({
    method: 'GET',
    path: '/webhooks',
    tag,
    summary: 'List webhooks',
    scope: 'admin',
    query: WebhookListQuery,
    response: z.array(Webhook),
    list: true,
    handler: ({ ctx, query }) => listWebhooks(ctx, query),
  }),
  defineRoute({
    method: 'POST',
    path: '/webhooks',
    tag,
    summary: 'Create a webhook',
    description: `The response carries the signing \`secret\`, shown this once. ${deliveryDoc}`,
    scope: 'admin',
    body: WebhookCreate,
    status: 201,
    response: WebhookWithSecret,
    secretFields: ['secret'],
    handler: async ({ ctx, body, deps }) => ({
      data: await createWebhook(ctx, body, { allowPrivate: deps.config.webhookAllowPrivateTargets }),
    }),
  }),
  defineRoute({
    method: 'GET',
    path: '/webhooks/:id',
    tag,
    summary: 'Get a webhook (without its secret)',
    scope: 'admin',
    response: Webhook,
    handler: async ({ ctx, params }) => ({ data: await getWebhook(ctx, params.id) }),
  }),
  defineRoute({
    method: 'PATCH',
    path: '/webhooks/:id',
    tag,
    summary: 'Change, pause or resume a webhook',
    description:
      'Only the given fields change. While inactive, new events are not queued for it and ' +
      'deliveries already queued wait; they resume when it is made active again.',
    scope: 'admin',
    body: WebhookPatch,
    response: Webhook,
    handler: async ({ ctx, params, body, deps }) => ({
      data: await updateWebhook(ctx, params.id, body, { allowPrivate: deps.config.webhookAllowPrivateTargets }),
    }),
  }),
  defineRoute({
    method: 'DELETE',
    path: '/webhooks/:id',
    tag,
    summary: 'Delete a webhook and its delivery history',
    scope: 'admin',
    status: 204,
    handler: async ({ ctx, params }) => {
      await deleteWebhook(ctx, params.id);
      return { data: null };
    },
  }),
  defineRoute({
    method: 'GET',
    path: '/webhooks/:id/deliveries',
    tag,
    summary: "A webhook's deliveries with every attempt, newest first",
    description: deliveryDoc,
    scope: 'admin',
    query: DeliveryListQuery,
    response: z.array(Delivery),
    list: true,
    handler: ({ ctx, params, query }) => listDeliveries(ctx, params.id, query),
  }),
];
