import { z } from 'zod';
import {
  Notification,
  NotificationListQuery,
  NotificationPatch,
  NotificationPrefs,
  NotificationPrefsPatch,
  NotificationsMarked,
} from '../../common/contract/notifications.ts';
import {
  getNotification,
  getPrefs,
  listNotifications,
  markAllRead,
  markNotification,
  updatePrefs,
} from '../domain/notifications/notifications.service.ts';
import { defineRoute } from '../http/route.ts';

const tag = 'Notifications';
const mine =
  "Each user has their own; another user's notification is a 404, whoever asks. New ones also " +
  'arrive live on GET /events/stream?include=notifications (to their user only).';

export const notificationRoutes = [
  defineRoute({
    method: 'GET',
    path: '/notifications',
    tag,
    summary: 'My notifications, newest first',
    description:
      `${mine} Kinds: a ticket assigned to you, a customer reply on your ticket, an @mention in ` +
      'an internal note (`@` + the local part of your e-mail address, your name without spaces, ' +
      'or your first name when no teammate shares it), and a ticket of yours due within 2 hours. ' +
      '`unread=true&limit=1` gives the unread count in `meta.total`.',
    scope: 'any',
    query: NotificationListQuery,
    response: z.array(Notification),
    list: true,
    handler: ({ ctx, query }) => listNotifications(ctx, query),
  }),
  defineRoute({
    method: 'GET',
    path: '/notifications/preferences',
    tag,
    summary: 'Which notifications I want',
    description: 'Every kind, and no browser notifications, until changed.',
    scope: 'any',
    response: NotificationPrefs,
    handler: async ({ ctx }) => ({ data: await getPrefs(ctx) }),
  }),
  defineRoute({
    method: 'PATCH',
    path: '/notifications/preferences',
    tag,
    summary: 'Choose which notifications I want',
    description: 'Kinds left out are no longer created for you; `browser` is read by the web UI.',
    scope: 'any',
    body: NotificationPrefsPatch,
    response: NotificationPrefs,
    handler: async ({ ctx, body }) => ({ data: await updatePrefs(ctx, body) }),
  }),
  defineRoute({
    method: 'POST',
    path: '/notifications/read-all',
    tag,
    summary: 'Mark all my notifications read',
    scope: 'any',
    response: NotificationsMarked,
    handler: async ({ ctx }) => ({ data: await markAllRead(ctx) }),
  }),
  defineRoute({
    method: 'GET',
    path: '/notifications/:id',
    tag,
    summary: 'Get one of my notifications',
    scope: 'any',
    response: Notification,
    handler: async ({ ctx, params }) => ({ data: await getNotification(ctx, params.id) }),
  }),
  defineRoute({
    method: 'PATCH',
    path: '/notifications/:id',
    tag,
    summary: 'Mark a notification read (or unread again)',
    description: mine,
    scope: 'any',
    body: NotificationPatch,
    response: Notification,
    handler: async ({ ctx, params, body }) => ({ data: await markNotification(ctx, params.id, body.read) }),
  }),
];
