// The fixed vocabulary of tickets, shared by the API's schemas, the server's rules and the UI.

export const ticketStatuses = ['open', 'pending', 'resolved', 'closed'] as const;
export type TicketStatus = (typeof ticketStatuses)[number];

/** Lowest first: the order of `sortBy=priority` ascending. */
export const priorities = ['low', 'medium', 'high', 'urgent'] as const;
export type Priority = (typeof priorities)[number];

/** Resolved and closed tickets are done: their SLA clocks have stopped. */
export function isDone(status: TicketStatus): boolean {
  return status === 'resolved' || status === 'closed';
}
