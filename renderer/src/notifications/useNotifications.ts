// The signed-in user's notifications: the newest 20 and the unread count, refreshed when a
// `notification` message arrives on the live stream (which carries only this user's own).
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect } from 'react';
import { queryKeys } from '../api/queryKeys.ts';
import type { Notification, NotificationPrefs } from '../api/types.ts';
import { useSession } from '../app/context.tsx';
import { onLive } from '../app/liveBus.ts';

export interface NotificationList {
  items: Notification[];
  unread: number;
}

export function useNotifications() {
  const { api } = useSession();
  const qc = useQueryClient();
  const query = useQuery({
    queryKey: queryKeys.notifications,
    queryFn: async ({ signal }): Promise<NotificationList> => {
      const [list, unread] = await Promise.all([
        api.get<Notification[]>('/notifications', { query: { limit: 20 }, signal }),
        api.get<Notification[]>('/notifications', { query: { unread: 'true', limit: 1 }, signal }),
      ]);
      return { items: list.data, unread: unread.meta?.total ?? 0 };
    },
    staleTime: 60_000,
  });
  const prefs = useNotificationPrefs().data;
  useEffect(
    () =>
      onLive('notification', (data) => {
        void qc.invalidateQueries({ queryKey: queryKeys.notifications });
        const note = data as Notification;
        // Optional system notifications, when the user turned them on and the browser allows.
        if (prefs?.browser && typeof Notification !== 'undefined' && Notification.permission === 'granted') {
          new Notification(note.title, { body: note.body, tag: note.id });
        }
      }),
    [qc, prefs?.browser],
  );
  return query;
}

export function useNotificationPrefs() {
  const { api } = useSession();
  return useQuery({
    queryKey: queryKeys.notificationPrefs,
    queryFn: async ({ signal }) => (await api.get<NotificationPrefs>('/notifications/preferences', { signal })).data,
    staleTime: 5 * 60_000,
  });
}

export function useMarkRead() {
  const { api } = useSession();
  const qc = useQueryClient();
  return useMutation({
    mutationFn: async (id: string | 'all') => {
      if (id === 'all') await api.post('/notifications/read-all');
      else await api.patch(`/notifications/${id}`, { read: true });
    },
    onSettled: () => qc.invalidateQueries({ queryKey: queryKeys.notifications }),
  });
}
