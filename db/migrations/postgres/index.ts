// The PostgreSQL migrations: one file per version of ../index.ts, under the same name, so both
// engines record the same history and `localdesk migrate` can tell that a copy is complete.
// Add a twin here whenever a migration is added there; a test checks the two lists agree.
import type { Migration, MigrationProvider } from 'kysely';
import * as core from './2026112401_core.ts';
import * as team from './2026112402_team.ts';
import * as events from './2026112403_events.ts';
import * as searchCursors from './2026112404_search_cursors.ts';
import * as ticketCounts from './2026112405_ticket_counts.ts';
import * as ticketOrder from './2026112406_ticket_order.ts';
import * as eventFollowers from './2026120601_event_followers.ts';
import * as views from './2026120602_views.ts';
import * as ticketNumbers from './2026120603_ticket_numbers.ts';
import * as attachments from './2026120620_attachments.ts';
import * as imports from './2026120630_imports.ts';
import * as importedAttachmentFiles from './2026120632_imported_attachment_files.ts';
import * as conversationAssignee from './2026120610_conversation_assignee.ts';
import * as searchPrefix from './2026120611_search_prefix.ts';
import * as sharedWork from './2026120660_shared_work.ts';
import * as attachmentChunks from './2026120661_attachment_chunks.ts';
import * as sync from './2026120671_sync.ts';
import * as mail from './2026120650_mail.ts';
import * as mailClaims from './2026120651_mail_claims.ts';
import * as accounts from './2026120640_accounts.ts';
import * as devices from './2026120670_devices.ts';
import * as slaDueIndex from './2026120695_sla_due_index.ts';

export const migrations: Record<string, Migration> = {
  '2026112401_core': core,
  '2026112402_team': team,
  '2026112403_events': events,
  '2026112404_search_cursors': searchCursors,
  '2026112405_ticket_counts': ticketCounts,
  '2026112406_ticket_order': ticketOrder,
  '2026120601_event_followers': eventFollowers,
  '2026120602_views': views,
  '2026120603_ticket_numbers': ticketNumbers,
  '2026120620_attachments': attachments,
  '2026120630_imports': imports,
  '2026120632_imported_attachment_files': importedAttachmentFiles,
  '2026120610_conversation_assignee': conversationAssignee,
  '2026120611_search_prefix': searchPrefix,
  '2026120660_shared_work': sharedWork,
  '2026120661_attachment_chunks': attachmentChunks,
  '2026120671_sync': sync,
  '2026120650_mail': mail,
  '2026120651_mail_claims': mailClaims,
  '2026120640_accounts': accounts,
  '2026120670_devices': devices,
  '2026120695_sla_due_index': slaDueIndex,
};

export const migrationProvider: MigrationProvider = {
  getMigrations: () => Promise.resolve(migrations),
};
