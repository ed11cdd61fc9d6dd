// Projects (queues). Cached as Project[] sorted by name under queryKeys.projects.
import { useCollection } from '../collection.ts';
import { queryKeys } from '../queryKeys.ts';
import type { Project } from '../types.ts';

export const useProjects = () => useCollection<Project>(queryKeys.projects, '/projects', { sortByName: true });
