// Agents and admins. Cached as User[] sorted by name under queryKeys.users.
import { useMemo } from 'react';
import { useCollection } from '../collection.ts';
import { queryKeys } from '../queryKeys.ts';
import type { User } from '../types.ts';

export const useUsers = () => useCollection<User>(queryKeys.users, '/users', { sortByName: true });

/** usr_ id → user, for showing names. */
export function useUserMap(): ReadonlyMap<string, User> {
  const { data } = useUsers();
  return useMemo(() => new Map((data ?? []).map((u) => [u.id, u])), [data]);
}
