import { z } from 'zod';
import { Timestamp, enumFilter, listQuery } from './base.ts';

export const notificationKinds = ['assigned', 'customer_replied', 'mentioned', 'sla_due'] as const;
export const NotificationKind = z.enum(notificationKinds).meta({
  description:
    'assigned: a ticket was assigned to you (not by yourself); customer_replied: the customer ' +
    'wrote on a ticket assigned to you; mentioned: a teammate wrote @you in an internal note; ' +
    'sla_due: a ticket assigned to you is due within 2 hours (once per due time)',
});

export const Notification = z
  .object({
    id: z.string().meta({ description: 'ntf_ id' }),
    kind: NotificationKind,
    ticketId: z.string().nullable(),
    title: z.string(),
    body: z.string(),
    actorUserId: z.string().nullable().meta({ description: 'The teammate who caused it, if any' }),
    read: z.boolean(),
    readAt: Timestamp.nullable(),
    createdAt: Timestamp,
  })
  .meta({ id: 'Notification' });

const booleanFilter = z.enum(['true', 'false']).transform((v) => v === 'true');

export const NotificationListQuery = listQuery(['createdAt'], {
  unread: booleanFilter.optional().meta({ description: 'true: unread only (meta.total is the unread count)' }),
  kind: enumFilter(notificationKinds).optional(),
});

export const NotificationPatch = z.strictObject({
  read: z.boolean(),
});

export const NotificationsMarked = z
  .object({ updated: z.number().int().meta({ description: 'How many changed from unread to read' }) })
  .meta({ id: 'NotificationsMarked' });

export const NotificationPrefs = z
  .object({
    kinds: z.array(NotificationKind).meta({ description: 'The kinds you want; the others are not created for you' }),
    browser: z.boolean().meta({ description: 'Whether the web UI also shows browser (system) notifications' }),
  })
  .meta({ id: 'NotificationPrefs' });

export const NotificationPrefsPatch = z
  .strictObject({
    kinds: z.array(NotificationKind).max(notificationKinds.length).optional(),
    browser: z.boolean().optional(),
  })
  .refine((body) => Object.keys(body).length > 0, { message: 'give at least one field to change' });

export type NotificationKindT = z.output<typeof NotificationKind>;
export type NotificationT = z.output<typeof Notification>;
export type NotificationListParams = z.output<typeof NotificationListQuery>;
export type NotificationPrefsT = z.output<typeof NotificationPrefs>;
export type NotificationPrefsPatchInput = z.output<typeof NotificationPrefsPatch>;
