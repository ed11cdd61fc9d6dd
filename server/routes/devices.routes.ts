import { z } from 'zod';
import { Device, DeviceListQuery, Paired, PairRequest, PairingCode, PairingCodeCreate } from '../../common/contract/devices.ts';
import {
  createPairingCode,
  getDevice,
  listDevices,
  pairDevice,
  revokeDevice,
} from '../domain/devices/devices.service.ts';
import { defineRoute } from '../http/route.ts';

const tag = 'Team sync';

export const deviceRoutes = [
  defineRoute({
    method: 'POST',
    path: '/pairing-codes',
    tag,
    summary: 'Make a one-time pairing code for another install',
    description:
      'The code (`ABCD-EFGH`) is shown in this response only and stored as a hash. Another ' +
      'install exchanges it once, before `expiresAt`, with POST /sync/pair (`localdesk serve ' +
      "--join URL --pair CODE`) for a device credential of `userId` (default: the caller's user, " +
      'who must be active).',
    scope: 'admin',
    body: PairingCodeCreate,
    status: 201,
    response: PairingCode,
    secretFields: ['code'],
    handler: async ({ ctx, body }) => ({ data: await createPairingCode(ctx, body) }),
  }),
  defineRoute({
    method: 'POST',
    path: '/sync/pair',
    tag,
    summary: 'Pair this install with the host: exchange a pairing code for a device key',
    description:
      'No credential needed: the code is the proof, and it works once. Creates an API key of ' +
      "the code's user with that user's role scopes (named `Device: <name>`, its secret `key` " +
      'shown in this response only) and lists the install under GET /devices. A wrong, used or ' +
      'expired code is a 403 with one message for all three. Requests count against the limit ' +
      'for requests without a key, per client address.',
    scope: 'none',
    body: PairRequest,
    status: 201,
    response: Paired,
    secretFields: ['key'],
    idempotency: false,
    handler: async ({ ctx, body }) => ({ data: await pairDevice(ctx, body) }),
  }),
  defineRoute({
    method: 'GET',
    path: '/devices',
    tag,
    summary: 'List paired devices (live first, then revoked)',
    description:
      'A device whose API key was revoked on its own (DELETE /api-keys/:id) shows as revoked too.',
    scope: 'admin',
    query: DeviceListQuery,
    response: z.array(Device),
    list: true,
    handler: ({ ctx, query }) => listDevices(ctx, query),
  }),
  defineRoute({
    method: 'GET',
    path: '/devices/:id',
    tag,
    summary: 'Get a paired device',
    scope: 'admin',
    response: Device,
    handler: async ({ ctx, params }) => ({ data: await getDevice(ctx, params.id) }),
  }),
  defineRoute({
    method: 'DELETE',
    path: '/devices/:id',
    tag,
    summary: 'Revoke a device',
    description:
      'Its API key is revoked in the same transaction and stops authenticating at once; the ' +
      'device stays listed with `revokedAt`. Revoking twice is also a 204 and keeps the first ' +
      '`revokedAt`.',
    scope: 'admin',
    status: 204,
    handler: async ({ ctx, params }) => {
      await revokeDevice(ctx, params.id);
      return { data: null };
    },
  }),
];
