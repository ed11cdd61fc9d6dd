// Tags. Cached as Tag[] sorted by name under queryKeys.tags.
import { useCollection } from '../collection.ts';
import { queryKeys } from '../queryKeys.ts';
import type { Tag } from '../types.ts';

export const useTags = () => useCollection<Tag>(queryKeys.tags, '/tags', { sortByName: true });
