import type { MessageRow } from '../../../db/schema.ts';
import type { MessageT } from '../../../common/contract/tickets.ts';

/** Messages belong to a ticket or a conversation; the presenter names whichever it is. */
export function presentMessage(row: MessageRow): MessageT {
  return {
    id: row.id,
    ...(row.ticket_id ? { ticketId: row.ticket_id } : {}),
    ...(row.conversation_id ? { conversationId: row.conversation_id } : {}),
    body: row.body,
    sender: row.sender,
    authorId: row.author_id,
    internal: row.internal === 1,
    createdAt: row.created_at,
  };
}
