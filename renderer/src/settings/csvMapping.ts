// A first guess at a CSV column mapping from the header: each field takes the column whose name
// is the field's or one of its usual names in other tools' exports. Pure, so it is unit-tested.
import { type CsvField, csvFields } from '../../../common/rules/imports.ts';

const synonyms: Record<CsvField, readonly string[]> = {
  externalId: ['id', 'ticketid', 'ticket', 'issuekey', 'key', 'number', 'ticketnumber', 'externalid'],
  subject: ['subject', 'summary', 'title'],
  body: ['body', 'description', 'message', 'text', 'content', 'details'],
  status: ['status', 'state'],
  priority: ['priority', 'severity', 'urgency'],
  tags: ['tags', 'labels', 'tag', 'label'],
  requesterEmail: ['requesteremail', 'reporteremail', 'customeremail', 'email', 'fromemail', 'contactemail'],
  requesterName: ['requestername', 'requester', 'reporter', 'customer', 'customername', 'contactname', 'name'],
  company: ['company', 'organization', 'organisation', 'account', 'companyname'],
  assignee: ['assignee', 'agent', 'owner', 'assignedto', 'responder'],
  createdAt: ['createdat', 'created', 'datecreated', 'opened', 'createddate'],
  updatedAt: ['updatedat', 'updated', 'lastupdated', 'modified', 'updateddate'],
  messageBody: ['messagebody', 'comment', 'commentbody', 'reply'],
  messageAuthor: ['messageauthor', 'commentauthor', 'author'],
  messageCreatedAt: ['messagecreatedat', 'commentcreatedat', 'commentedat'],
  messageInternal: ['messageinternal', 'internal', 'private', 'isprivate'],
  messageId: ['messageid', 'commentid'],
};

const normal = (text: string) => text.toLowerCase().replace(/[^a-z0-9]/g, '');

export type ColumnMapping = Partial<Record<CsvField, string>>;

export function guessMapping(headers: readonly string[]): ColumnMapping {
  const taken = new Set<string>();
  const out: ColumnMapping = {};
  for (const field of csvFields) {
    for (const name of synonyms[field]) {
      const header = headers.find((h) => normal(h) === name && !taken.has(h));
      if (header !== undefined) {
        out[field] = header;
        taken.add(header);
        break;
      }
    }
  }
  return out;
}

export const fieldLabels: Record<CsvField, string> = {
  externalId: 'Ticket id',
  subject: 'Subject',
  body: 'Description',
  status: 'Status',
  priority: 'Priority',
  tags: 'Tags',
  requesterEmail: 'Requester e-mail',
  requesterName: 'Requester name',
  company: 'Company',
  assignee: 'Assignee',
  createdAt: 'Created',
  updatedAt: 'Updated',
  messageBody: 'Message (one row per message)',
  messageAuthor: 'Message author',
  messageCreatedAt: 'Message time',
  messageInternal: 'Message is internal',
  messageId: 'Message id',
};

/**
 * "Waiting for customer = pending; Escalated = open" → { "Waiting for customer": "pending", ... }:
 * the product's own status or priority words mapped to LocalDesk's. An entry that is not
 * `word = value` with a known value is reported, not dropped.
 */
export function parseValueMap<V extends string>(text: string, allowed: readonly V[]): { values: Record<string, V>; error: string | null } {
  const values: Record<string, V> = {};
  for (const entry of text.split(/[;\n]/).map((e) => e.trim()).filter(Boolean)) {
    const at = entry.lastIndexOf('=');
    const word = entry.slice(0, at).trim();
    const value = entry.slice(at + 1).trim().toLowerCase();
    if (at < 0 || !word) return { values, error: `"${entry}" is not word = value` };
    const known = allowed.find((a) => a === value);
    if (!known) return { values, error: `"${value}" is not one of ${allowed.join(', ')}` };
    values[word] = known;
  }
  return { values, error: null };
}
