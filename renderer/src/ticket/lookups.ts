// The small collections every ticket screen needs (agents, projects, tags, macros), cached
// under the keys live updates invalidate, as plain arrays.
import { useQuery } from '@tanstack/react-query';
import { useMemo } from 'react';
import { listAll } from '../api/tickets.ts';
import type { Macro, Project, Tag, User } from '../api/types.ts';
import { useSession } from '../app/context.tsx';

const long = { staleTime: 5 * 60_000 };

export function useUsers() {
  const { api } = useSession();
  return useQuery({
    queryKey: ['users'],
    queryFn: ({ signal }) => listAll<User>(api, '/users', signal),
    select: (users) => [...users].sort((a, b) => a.name.localeCompare(b.name)),
    ...long,
  });
}

export function useProjects() {
  const { api } = useSession();
  return useQuery({
    queryKey: ['projects'],
    queryFn: ({ signal }) => listAll<Project>(api, '/projects', signal),
    select: (projects) => [...projects].sort((a, b) => a.name.localeCompare(b.name)),
    ...long,
  });
}

export function useTags() {
  const { api } = useSession();
  return useQuery({
    queryKey: ['tags'],
    queryFn: ({ signal }) => listAll<Tag>(api, '/tags', signal),
    select: (tags) => [...tags].sort((a, b) => a.name.localeCompare(b.name)),
    ...long,
  });
}

export function useMacros() {
  const { api } = useSession();
  return useQuery({
    queryKey: ['macros'],
    queryFn: ({ signal }) => listAll<Macro>(api, '/macros', signal),
    select: (macros) => [...macros].sort((a, b) => a.name.localeCompare(b.name)),
    ...long,
  });
}

/** usr_ id → user, for showing names. */
export function useUserMap(): ReadonlyMap<string, User> {
  const { data } = useUsers();
  return useMemo(() => new Map((data ?? []).map((u) => [u.id, u])), [data]);
}

/** prj_ id → project. */
export function useProjectMap(): ReadonlyMap<string, Project> {
  const { data } = useProjects();
  return useMemo(() => new Map((data ?? []).map((p) => [p.id, p])), [data]);
}

/** Two letters for an avatar: "Ada Lovelace" → "AL", "ada@x.io" → "AD". */
export function initials(name: string): string {
  const words = name.replace(/@.*/, '').split(/[\s._-]+/).filter(Boolean);
  const letters = words.length > 1 ? `${words[0]?.[0] ?? ''}${words[1]?.[0] ?? ''}` : (words[0] ?? '?').slice(0, 2);
  return letters.toUpperCase();
}

/** A stable hue per name, so an agent's avatar keeps its colour. */
export function hueOf(name: string): number {
  let h = 0;
  for (const ch of name) h = (h * 31 + ch.charCodeAt(0)) % 360;
  return h;
}
