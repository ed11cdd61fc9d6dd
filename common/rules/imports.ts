// The vocabulary of import jobs, shared by the API's schemas, the server and the UI.

export const importSources = ['zendesk', 'freshdesk', 'helpscout', 'csv'] as const;
export type ImportSource = (typeof importSources)[number];

export const importStatuses = ['queued', 'running', 'succeeded', 'failed', 'cancelled'] as const;
export type ImportStatus = (typeof importStatuses)[number];

/** What an import counts, per kind of record. */
export const importKinds = ['users', 'contacts', 'tickets', 'messages', 'attachments'] as const;
export const importOutcomes = ['created', 'updated', 'linked', 'skipped', 'refused'] as const;

/** Whether a job may still change (and be cancelled). */
export function importActive(status: ImportStatus): boolean {
  return status === 'queued' || status === 'running';
}

/** The CSV fields a column can be mapped to, in the order a person fills them in. */
export const csvFields = [
  'externalId',
  'subject',
  'body',
  'status',
  'priority',
  'tags',
  'requesterEmail',
  'requesterName',
  'company',
  'assignee',
  'createdAt',
  'updatedAt',
  'messageBody',
  'messageAuthor',
  'messageCreatedAt',
  'messageInternal',
  'messageId',
] as const;
export type CsvField = (typeof csvFields)[number];
