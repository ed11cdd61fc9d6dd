// Macros. Cached as Macro[] sorted by name under queryKeys.macros.
import { useCollection } from '../collection.ts';
import { queryKeys } from '../queryKeys.ts';
import type { Macro } from '../types.ts';

export const useMacros = () => useCollection<Macro>(queryKeys.macros, '/macros', { sortByName: true });
