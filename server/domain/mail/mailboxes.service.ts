// Mailboxes: where mail comes in (IMAP) and goes out (SMTP). Passwords are sealed with the
// server's SecretBox before they are stored and never leave it again except to log in; the API
// says only `passwordSet: true`. Changes are events (mailbox.created/updated/deleted) like every
// other configuration change; the fetcher follows them to start, restart or stop a connection.
import { sql } from 'kysely';
import { countRows } from '../../../db/queries/count.ts';
import type { Db, MailboxRow, MailboxesTable } from '../../../db/schema.ts';
import type { ListPage } from '../../../common/contract/base.ts';
import type {
  MailboxCreateInput,
  MailboxListParams,
  MailboxPatchInput,
  MailboxT,
} from '../../../common/contract/mailboxes.ts';
import { nowIso } from '../../core/clock.ts';
import { conflict, notFound } from '../../core/errors.ts';
import { newId } from '../../core/ids.ts';
import type { SecretBox } from '../../core/secrets.ts';
import { type Ctx, inTransaction } from '../context.ts';
import { changedFields, recordEvent } from '../events/events.record.ts';
import { assertProjectUsable } from '../projects/projects.service.ts';

/** The folder fetched. One per mailbox for now; positions are kept per folder all the same. */
export const inboxFolder = 'INBOX';

type MailboxReadRow = MailboxRow & {
  checked_at: string | null;
  imported_at: string | null;
  error: string | null;
  error_at: string | null;
  quarantined: number;
};

function selectMailboxes(db: Db) {
  return db
    .selectFrom('mailboxes as b')
    .leftJoin('mail_sync as s', (join) => join.onRef('s.mailbox_id', '=', 'b.id').on('s.folder', '=', inboxFolder))
    .selectAll('b')
    .select([
      's.checked_at',
      's.imported_at',
      's.error',
      's.error_at',
      sql<number>`(select count(*) from mail_quarantine q where q.mailbox_id = b.id)`.as('quarantined'),
    ]);
}

export function presentMailbox(row: MailboxReadRow): MailboxT {
  return {
    id: row.id,
    name: row.name,
    address: row.address,
    imap: { host: row.imap_host, port: row.imap_port, secure: row.imap_secure === 1, user: row.imap_user, passwordSet: true },
    smtp: { host: row.smtp_host, port: row.smtp_port, secure: row.smtp_secure === 1, user: row.smtp_user, passwordSet: true },
    projectId: row.project_id,
    active: row.active === 1,
    fetch: {
      checkedAt: row.checked_at,
      importedAt: row.imported_at,
      error: row.error,
      errorAt: row.error_at,
      quarantined: row.quarantined,
    },
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

export async function listMailboxes(ctx: Ctx, params: MailboxListParams): Promise<ListPage<MailboxT>> {
  const total = await countRows(ctx.db.selectFrom('mailboxes'));
  const direction = params.sortOrder;
  const rows = await selectMailboxes(ctx.db)
    .orderBy(params.sortBy === 'name' ? sql`lower(b.name)` : sql`b.created_at`, direction)
    .orderBy('b.id', direction)
    .limit(params.limit)
    .offset(params.offset)
    .execute();
  return { data: rows.map(presentMailbox), meta: { total, limit: params.limit, offset: params.offset } };
}

export async function getMailbox(ctx: Ctx, id: string): Promise<MailboxT> {
  const row = await selectMailboxes(ctx.db).where('b.id', '=', id).executeTakeFirst();
  if (!row) throw notFound('mailbox', id);
  return presentMailbox(row);
}

/** The stored row (with sealed passwords), or 404. */
export async function loadMailbox(db: Db, id: string): Promise<MailboxRow> {
  const row = await db.selectFrom('mailboxes').selectAll().where('id', '=', id).executeTakeFirst();
  if (!row) throw notFound('mailbox', id);
  return row;
}

const imapPort = (secure: boolean) => (secure ? 993 : 143);
const smtpPort = (secure: boolean) => (secure ? 465 : 587);

/** What a password is sealed for: this mailbox's field, so a sealed value moved elsewhere fails. */
export function passwordPurpose(mailboxId: string, server: 'imap' | 'smtp'): string {
  return `mailbox:${mailboxId}:${server}-password`;
}

async function assertAddressFree(db: Db, address: string, exceptId?: string): Promise<void> {
  let query = db.selectFrom('mailboxes').select('id').where('address', '=', address);
  if (exceptId) query = query.where('id', '!=', exceptId);
  const taken = await query.executeTakeFirst();
  if (taken) throw conflict(`a mailbox for ${address} already exists`, { field: 'address', mailboxId: taken.id });
}

export async function createMailbox(ctx: Ctx, secrets: SecretBox, input: MailboxCreateInput): Promise<MailboxT> {
  const now = nowIso(ctx.clock);
  const id = newId('mailbox', ctx.clock);
  const row: MailboxRow = {
    id,
    name: input.name,
    address: input.address,
    imap_host: input.imap.host,
    imap_port: input.imap.port ?? imapPort(input.imap.secure),
    imap_secure: input.imap.secure ? 1 : 0,
    imap_user: input.imap.user,
    imap_password: secrets.encrypt(input.imap.password, passwordPurpose(id, 'imap')),
    smtp_host: input.smtp.host,
    smtp_port: input.smtp.port ?? smtpPort(input.smtp.secure),
    smtp_secure: input.smtp.secure ? 1 : 0,
    smtp_user: input.smtp.user,
    smtp_password: secrets.encrypt(input.smtp.password, passwordPurpose(id, 'smtp')),
    project_id: input.projectId ?? null,
    active: input.active ? 1 : 0,
    created_at: now,
    updated_at: now,
  };
  return inTransaction(ctx, async (tx) => {
    if (row.project_id) await assertProjectUsable(tx.db, row.project_id);
    await assertAddressFree(tx.db, row.address);
    await tx.db.insertInto('mailboxes').values(row).execute();
    const mailbox = await getMailbox(tx, id);
    await recordEvent(tx, { type: 'mailbox.created', resourceType: 'mailbox', resourceId: id, data: { mailbox } });
    return mailbox;
  });
}

/**
 * Changes a mailbox; only the given fields change and a password left out is kept. A port left
 * out while `secure` changes follows it (993/143, 465/587) when it was the old default.
 */
export async function updateMailbox(ctx: Ctx, secrets: SecretBox, id: string, patch: MailboxPatchInput): Promise<MailboxT> {
  return inTransaction(ctx, async (tx) => {
    const current = await loadMailbox(tx.db, id);
    const before = await getMailbox(tx, id);
    const changes: Partial<MailboxesTable> = {};
    const passwords: string[] = [];
    if (patch.name !== undefined) changes.name = patch.name;
    if (patch.address !== undefined) {
      await assertAddressFree(tx.db, patch.address, id);
      changes.address = patch.address;
    }
    if (patch.projectId !== undefined) {
      if (patch.projectId) await assertProjectUsable(tx.db, patch.projectId);
      changes.project_id = patch.projectId;
    }
    if (patch.active !== undefined) changes.active = patch.active ? 1 : 0;
    if (patch.imap) {
      const p = patch.imap;
      if (p.host !== undefined) changes.imap_host = p.host;
      if (p.user !== undefined) changes.imap_user = p.user;
      if (p.secure !== undefined) {
        changes.imap_secure = p.secure ? 1 : 0;
        if (p.port === undefined && current.imap_port === imapPort(current.imap_secure === 1)) changes.imap_port = imapPort(p.secure);
      }
      if (p.port !== undefined) changes.imap_port = p.port;
      if (p.password !== undefined) {
        changes.imap_password = secrets.encrypt(p.password, passwordPurpose(id, 'imap'));
        passwords.push('imap.password');
      }
    }
    if (patch.smtp) {
      const p = patch.smtp;
      if (p.host !== undefined) changes.smtp_host = p.host;
      if (p.user !== undefined) changes.smtp_user = p.user;
      if (p.secure !== undefined) {
        changes.smtp_secure = p.secure ? 1 : 0;
        if (p.port === undefined && current.smtp_port === smtpPort(current.smtp_secure === 1)) changes.smtp_port = smtpPort(p.secure);
      }
      if (p.port !== undefined) changes.smtp_port = p.port;
      if (p.password !== undefined) {
        changes.smtp_password = secrets.encrypt(p.password, passwordPurpose(id, 'smtp'));
        passwords.push('smtp.password');
      }
    }
    await tx.db.updateTable('mailboxes').set(changes).where('id', '=', id).execute();
    const unchanged = await getMailbox(tx, id);
    const fields = [...changedFields(before, unchanged).filter((f) => f !== 'fetch'), ...passwords];
    if (fields.length === 0) return before; // nothing changed: updatedAt (and the ETag) stay
    await tx.db.updateTable('mailboxes').set({ updated_at: nowIso(ctx.clock) }).where('id', '=', id).execute();
    const after = await getMailbox(tx, id);
    await recordEvent(tx, { type: 'mailbox.updated', resourceType: 'mailbox', resourceId: id, data: { mailbox: after, changes: fields } });
    return after;
  });
}

/**
 * Deletes a mailbox with its fetch positions, quarantined mail and remembered Message-IDs.
 * Tickets and messages stay; replies still queued for it fail with a message saying why.
 */
export async function deleteMailbox(ctx: Ctx, id: string): Promise<void> {
  await inTransaction(ctx, async (tx) => {
    await loadMailbox(tx.db, id);
    await tx.db.deleteFrom('mailboxes').where('id', '=', id).execute();
    await recordEvent(tx, { type: 'mailbox.deleted', resourceType: 'mailbox', resourceId: id, data: { mailboxId: id } });
  });
}

/** A mailbox with its passwords unsealed, for logging in. Never presented, never logged. */
export interface MailboxCredentials {
  id: string;
  name: string;
  address: string;
  projectId: string | null;
  active: boolean;
  imap: { host: string; port: number; secure: boolean; user: string; password: string };
  smtp: { host: string; port: number; secure: boolean; user: string; password: string };
}

/** Unseals the passwords (throws SecretError when the key file does not open them). */
export function credentialsOf(row: MailboxRow, secrets: SecretBox): MailboxCredentials {
  return {
    id: row.id,
    name: row.name,
    address: row.address,
    projectId: row.project_id,
    active: row.active === 1,
    imap: {
      host: row.imap_host,
      port: row.imap_port,
      secure: row.imap_secure === 1,
      user: row.imap_user,
      password: secrets.decrypt(row.imap_password, passwordPurpose(row.id, 'imap')),
    },
    smtp: {
      host: row.smtp_host,
      port: row.smtp_port,
      secure: row.smtp_secure === 1,
      user: row.smtp_user,
      password: secrets.decrypt(row.smtp_password, passwordPurpose(row.id, 'smtp')),
    },
  };
}
