import { z } from 'zod';
import { Timestamp } from './base.ts';

export const presenceStates = ['viewing', 'replying'] as const;

export const PresencePerson = z
  .object({
    userId: z.string(),
    name: z.string(),
    state: z.enum(presenceStates).meta({ description: 'replying: typing a reply or a note' }),
    since: Timestamp.meta({ description: 'When they came to this state' }),
  })
  .meta({ id: 'PresencePerson' });

export const TicketPresence = z
  .object({
    ticketId: z.string(),
    people: z.array(PresencePerson),
  })
  .meta({ id: 'TicketPresence' });

export const PresenceBeat = z.strictObject({
  ticketId: z.string().trim().min(1).max(40),
  state: z.enum([...presenceStates, 'left']).meta({
    description: 'viewing or replying (send every ~10 s while it lasts), or left (the ticket was closed)',
  }),
});

export const PresenceQuery = z.strictObject({
  ticketId: z.string().trim().min(1).max(40).optional().meta({ description: 'Only this ticket' }),
});

export type PresencePersonT = z.output<typeof PresencePerson>;
export type TicketPresenceT = z.output<typeof TicketPresence>;
export type PresenceBeatInput = z.output<typeof PresenceBeat>;
