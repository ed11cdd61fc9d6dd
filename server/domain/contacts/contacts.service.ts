// Contacts: the people tickets and conversations come from. Tickets and conversations link to
// theirs through findOrCreateContact / markContactSeen, inside their own transactions.
import { sql } from 'kysely';
import { countRows } from '../../../db/queries/count.ts';
import { escapeLike } from '../../../db/queries/like.ts';
import { dialectOf } from '../../../db/dialect.ts';
import { prepared } from '../../../db/prepared.ts';
import type { ContactRow, Db } from '../../../db/schema.ts';
import type { ListPage } from '../../../common/contract/base.ts';
import { conflict, invalidField, notFound } from '../../core/errors.ts';
import { newId } from '../../core/ids.ts';
import { type Ctx, inTransaction } from '../context.ts';
import { recordEvent, recordUpdated } from '../events/events.record.ts';
import { type HealthTier, healthTierSql } from './contacts.health.ts';
import { indexContact, reindexContact, unindexContact } from './contacts.search.ts';
import type {
  ContactCreateInput,
  ContactListParams,
  ContactPatchInput,
  ContactT,
  ContactWithActivityT,
} from '../../../common/contract/contacts.ts';

type ContactReadRow = ContactRow & { health_tier: HealthTier; open_ticket_count: number };

const recentLimit = 10;

export function presentContact(row: ContactReadRow): ContactT {
  return {
    id: row.id,
    name: row.name,
    email: row.email,
    company: row.company,
    healthTier: row.health_tier,
    lastSeenAt: row.last_seen_at,
    openTicketCount: row.open_ticket_count,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

/** Tickets of contact `c` still waiting on the team (served by tickets(contact_id, status)). */
const openTicketCountSql = sql<number>`(select count(*) from tickets ot
  where ot.contact_id = c.id and ot.status in ('open', 'pending'))`;

/**
 * Contacts with their computed columns. `now` is read once per request by the caller, so a
 * healthTier filter and the healthTier shown are judged at the same instant.
 */
function computedColumns(now: Date) {
  return [healthTierSql('c', now).as('health_tier'), openTicketCountSql.as('open_ticket_count')];
}

const sortColumns = {
  createdAt: sql`c.created_at`,
  updatedAt: sql`c.updated_at`,
  // Never-seen contacts (null) come first ascending, last descending.
  lastSeenAt: sql`c.last_seen_at`,
  // People expect "alice" next to "Alice", not after "Zed".
  name: sql`lower(c.name)`,
  email: sql`c.email`,
} as const;

export async function listContacts(ctx: Ctx, params: ContactListParams): Promise<ListPage<ContactT>> {
  const now = ctx.clock.now();
  let where = ctx.db.selectFrom('contacts as c');
  if (params.company) {
    // Written exactly as the contacts_company index expression so the index serves it.
    where = where.where(sql<boolean>`lower(c.company) = lower(${params.company})`);
  }
  if (params.search) {
    const pattern = `%${escapeLike(params.search)}%`;
    const like = (column: string) => dialectOf(ctx.db).likeIgnoringCase(sql.ref(column), pattern);
    where = where.where(sql<boolean>`(${like('c.name')} or ${like('c.email')} or ${like('c.company')})`);
  }
  if (params.healthTier) where = where.where(healthTierSql('c', now), 'in', params.healthTier);

  const total = await countRows(where);

  // Ties are broken by id (time-sortable) in the same direction, so pages never overlap.
  const direction = params.sortOrder;
  const rows = await where
    .selectAll('c')
    .select(computedColumns(now))
    .orderBy(sortColumns[params.sortBy], direction)
    .orderBy('c.id', direction)
    .limit(params.limit)
    .offset(params.offset)
    .execute();
  return {
    data: rows.map(presentContact),
    meta: { total, limit: params.limit, offset: params.offset },
  };
}

export async function getContact(ctx: Ctx, id: string): Promise<ContactT> {
  const row = await ctx.db
    .selectFrom('contacts as c')
    .selectAll('c')
    .select(computedColumns(ctx.clock.now()))
    .where('c.id', '=', id)
    .executeTakeFirst();
  if (!row) throw notFound('contact', id);
  return presentContact(row);
}

export async function getContactWithActivity(ctx: Ctx, id: string): Promise<ContactWithActivityT> {
  const { db } = ctx;
  const contact = await getContact(ctx, id);
  const tickets = await db
    .selectFrom('tickets')
    .select(['id', 'subject', 'status', 'priority', 'created_at'])
    .where('contact_id', '=', id)
    .orderBy('created_at', 'desc')
    .orderBy('seq', 'desc')
    .limit(recentLimit)
    .execute();
  const conversations = await db
    .selectFrom('conversations')
    .select(['id', 'channel', 'status', 'subject', 'last_message_at'])
    .where('contact_id', '=', id)
    .orderBy('last_message_at', 'desc')
    .orderBy('seq', 'desc')
    .limit(recentLimit)
    .execute();
  return {
    ...contact,
    recentTickets: tickets.map((t) => ({
      id: t.id,
      subject: t.subject,
      status: t.status,
      priority: t.priority,
      createdAt: t.created_at,
    })),
    recentConversations: conversations.map((c) => ({
      id: c.id,
      channel: c.channel,
      status: c.status,
      subject: c.subject,
      lastMessageAt: c.last_message_at,
    })),
  };
}

/** 409 when another contact already has this (lower-cased) email. */
async function assertEmailFree(db: Db, email: string, exceptId?: string): Promise<void> {
  let query = db.selectFrom('contacts').select('id').where('email', '=', email);
  if (exceptId) query = query.where('id', '!=', exceptId);
  const taken = await query.executeTakeFirst();
  if (taken) {
    throw conflict(`a contact with email ${email} already exists`, { contactId: taken.id });
  }
}

export async function createContact(ctx: Ctx, input: ContactCreateInput): Promise<ContactT> {
  const nowDate = ctx.clock.now();
  const now = nowDate.toISOString();
  // Stored in the one fixed-width form, so text comparison stays time comparison.
  const lastSeenAt = input.lastSeenAt ? new Date(input.lastSeenAt).toISOString() : null;
  if (lastSeenAt && lastSeenAt > now) {
    throw invalidField('lastSeenAt', 'must not be in the future');
  }
  const id = newId('contact', ctx.clock);
  await inTransaction(ctx, async (tx) => {
    const { db } = tx;
    // Checked first to name the existing contact; the UNIQUE constraint still backs it (409).
    await assertEmailFree(db, input.email);
    const fields = {
      id,
      name: input.name ?? null,
      email: input.email,
      company: input.company ?? null,
    };
    await db
      .insertInto('contacts')
      .values({ ...fields, last_seen_at: lastSeenAt, created_at: now, updated_at: now })
      .execute();
    await indexContact(db, fields);
    await recordEvent(tx, {
      type: 'contact.created',
      resourceType: 'contact',
      resourceId: id,
      data: { contact: await getContact(tx, id) },
    });
  });
  return getContact(ctx, id);
}

export async function updateContact(ctx: Ctx, id: string, patch: ContactPatchInput): Promise<ContactT> {
  const now = ctx.clock.now().toISOString();
  await inTransaction(ctx, async (tx) => {
    const { db } = tx;
    const current = await db
      .selectFrom('contacts')
      .select(['id', 'email', 'name', 'company'])
      .where('id', '=', id)
      .executeTakeFirst();
    if (!current) throw notFound('contact', id);
    if (patch.email !== undefined && patch.email !== current.email) {
      await assertEmailFree(db, patch.email, id);
    }
    await db
      .updateTable('contacts')
      .set({
        updated_at: now,
        ...(patch.email !== undefined ? { email: patch.email } : {}),
        ...(patch.name !== undefined ? { name: patch.name } : {}),
        ...(patch.company !== undefined ? { company: patch.company } : {}),
      })
      .where('id', '=', id)
      .execute();
    const after = await getContact(tx, id);
    const changes = await recordUpdated(tx, {
      resourceType: 'contact',
      resourceId: id,
      key: 'contact',
      before: { ...after, email: current.email, name: current.name, company: current.company },
      after,
      fields: ['email', 'name', 'company'],
    });
    if (changes.length > 0) await reindexContact(db, after);
  });
  return getContact(ctx, id);
}

/**
 * Deletes a contact that nothing references. Tickets and conversations keep their contact, so
 * while any exist the delete is a 409 saying how many (delete or merge them away first).
 */
export async function deleteContact(ctx: Ctx, id: string): Promise<void> {
  await inTransaction(ctx, async (tx) => {
    const { db } = tx;
    const row = await db
      .selectFrom('contacts as c')
      .select([
        sql<number>`(select count(*) from tickets t where t.contact_id = c.id)`.as('tickets'),
        sql<number>`(select count(*) from conversations v where v.contact_id = c.id)`.as(
          'conversations',
        ),
      ])
      .where('c.id', '=', id)
      .executeTakeFirst();
    if (!row) throw notFound('contact', id);
    if (row.tickets > 0 || row.conversations > 0) {
      throw conflict(
        `contact ${id} still has ${row.tickets} ticket(s) and ${row.conversations} ` +
          'conversation(s); delete them first',
        { tickets: row.tickets, conversations: row.conversations },
      );
    }
    await db.deleteFrom('contacts').where('id', '=', id).execute();
    await unindexContact(db, id);
    await recordEvent(tx, {
      type: 'contact.deleted',
      resourceType: 'contact',
      resourceId: id,
      data: { contactId: id },
    });
  });
}

/**
 * Links to the contact with this (lower-cased) email, creating it (with `name`, if given) if
 * there is none; an existing contact keeps its name.
 */
export async function findOrCreateContact(ctx: Ctx, email: string, now: string, name?: string): Promise<ContactRow> {
  const existing = await ctx.db.selectFrom('contacts').selectAll().where('email', '=', email).executeTakeFirst();
  if (existing) return existing;
  const row: ContactRow = {
    id: newId('contact', ctx.clock),
    name: name ?? null,
    email,
    company: null,
    last_seen_at: null,
    created_at: now,
    updated_at: now,
  };
  await ctx.db.insertInto('contacts').values(row).execute();
  await indexContact(ctx.db, row);
  await recordEvent(ctx, {
    type: 'contact.created',
    resourceType: 'contact',
    resourceId: row.id,
    data: { contact: { id: row.id, name: row.name, email, company: null, createdAt: now } },
  });
  return row;
}

/** Every customer message, ticket or conversation from a contact moves its lastSeenAt. */
export async function markContactSeen(db: Db, contactId: string, now: string): Promise<void> {
  await seen(db, contactId, now);
}

// Runs with every ticket and customer message (an import: with every ticket): compiled once.
const seen = prepared((db: Db, contactId: string, now: string) =>
  db
    .updateTable('contacts')
    .set({ last_seen_at: now })
    .where('id', '=', contactId)
    .where((eb) => eb.or([eb('last_seen_at', 'is', null), eb('last_seen_at', '<', now)])),
);
