import { z } from 'zod';
import { ScopeSchema } from './apiKeys.ts';
import { User } from './users.ts';

export const Whoami = z
  .object({
    user: User,
    scopes: z.array(ScopeSchema).meta({
      description: 'What this caller may do: the scopes of its key (admin only while the user is an admin)',
    }),
    credential: z.object({
      type: z.enum(['apiKey']),
      id: z.string().meta({ description: 'The key_ id' }),
    }),
  })
  .meta({ id: 'Whoami' });

export type WhoamiT = z.output<typeof Whoami>;
