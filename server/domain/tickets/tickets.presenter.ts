// Rows into the API's shapes: a ticket (joined with what its presentation needs) and a message.
import type { Db, MessageRow, TicketRow } from '../../../db/schema.ts';
import type { AttachmentT } from '../../../common/contract/attachments.ts';
import type { MessageT, TicketT } from '../../../common/contract/tickets.ts';
import { slaBreachedSql } from '../sla/sla.sql.ts';
import { tagNamesSql } from '../tags/ticketTags.ts';
import { type MailParts, noMailParts } from '../mail/mail.presenter.ts';

export type TicketReadRow = TicketRow & { contact_email: string; sla_breached: number; tag_names: string };

export function presentTicket(row: TicketReadRow): TicketT {
  return {
    id: row.id,
    number: row.number,
    subject: row.subject,
    description: row.description,
    status: row.status,
    priority: row.priority,
    contactId: row.contact_id,
    contactEmail: row.contact_email,
    assignedTo: row.assigned_to,
    projectId: row.project_id,
    tags: (JSON.parse(row.tag_names) as string[]).sort(),
    conversationId: row.conversation_id,
    sla: {
      firstResponseDueAt: row.first_response_due_at,
      resolutionDueAt: row.resolution_due_at,
      breached: row.sla_breached === 1,
    },
    firstResponseAt: row.first_response_at,
    resolvedAt: row.resolved_at,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    externalId: row.external_id,
  };
}

/** What a ticket's presentation needs beyond its row (`t`, joined with its contact `c`). */
export function presentationColumns(db: Db, now: string) {
  return [
    'c.email as contact_email',
    slaBreachedSql('t', now).as('sla_breached'),
    tagNamesSql(db, 't').as('tag_names'),
  ] as const;
}

/**
 * Messages belong to a ticket or a conversation; the presenter names whichever it is. `mail`:
 * what it carries when it travelled by e-mail (mail.presenter.ts).
 */
export function presentMessage(row: MessageRow, attachments: AttachmentT[] = [], mail: MailParts = noMailParts): MessageT {
  return {
    id: row.id,
    ...(row.ticket_id ? { ticketId: row.ticket_id } : {}),
    ...(row.conversation_id ? { conversationId: row.conversation_id } : {}),
    body: row.body,
    sender: row.sender,
    authorId: row.author_id,
    internal: row.internal === 1,
    attachments,
    bodyHtml: mail.bodyHtml,
    bodyFull: mail.bodyFull,
    email: mail.email,
    delivery: mail.delivery,
    createdAt: row.created_at,
  };
}
