import type { Kysely } from 'kysely';
import type { Database } from '../db/schema.ts';
import { hashApiKey } from './domain/apiKeys/keys.ts';
import { type Clock, nowIso } from './core/clock.ts';
import type { Config } from './core/config.ts';
import { newId } from './core/ids.ts';
import { systemContext } from './domain/context.ts';
import { insertApiKey } from './domain/apiKeys/apiKeys.service.ts';
import { transact } from '../db/transact.ts';

/** Requests per minute for the first admin key, the one a person uses in the web UI. */
export const firstKeyRateLimit = 6000;

export interface BootstrapResult {
  /** The secret of a key created just now, to print once; null when none was generated. */
  generatedKey: string | null;
  /** True when LOCALDESK_ADMIN_KEY was absent from the database and has been added. */
  adminKeyAdded: boolean;
}

/**
 * First start of an empty data directory: creates the administrator user and one admin key.
 * LOCALDESK_ADMIN_KEY, when set, is created if absent (and then no random key is generated).
 * Runs in one transaction, so a crash leaves either everything or nothing.
 */
export async function bootstrap(
  db: Kysely<Database>,
  clock: Clock,
  config: Pick<Config, 'adminKey'> & { adminKeyName?: string; adminKeyRateLimit?: number | null },
): Promise<BootstrapResult> {
  return transact(db, async (trx) => {
    const now = nowIso(clock);
    let admin = await trx
      .selectFrom('users')
      .select('id')
      .where('role', '=', 'admin')
      .where('active', '=', 1)
      .orderBy('created_at')
      .executeTakeFirst();
    if (!admin) {
      admin = { id: newId('user', clock) };
      // admin@localhost may belong to a deactivated administrator: then pick a fresh address.
      const taken = await trx
        .selectFrom('users')
        .select('id')
        .where('email', '=', 'admin@localhost')
        .executeTakeFirst();
      await trx
        .insertInto('users')
        .values({
          id: admin.id,
          name: 'Administrator',
          email: taken ? `admin+${admin.id.toLowerCase()}@localhost` : 'admin@localhost',
          role: 'admin',
          active: 1,
          created_at: now,
          updated_at: now,
        })
        .execute();
    }
    const keyCount = await trx
      .selectFrom('api_keys')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow();

    if (config.adminKey) {
      const exists = await trx
        .selectFrom('api_keys')
        .select('id')
        .where('key_hash', '=', hashApiKey(config.adminKey))
        .executeTakeFirst();
      if (exists) return { generatedKey: null, adminKeyAdded: false };
      await insertApiKey(systemContext(trx, clock), {
        name: config.adminKeyName ?? 'LOCALDESK_ADMIN_KEY',
        scopes: ['admin'],
        userId: admin.id,
        rateLimitPerMinute: config.adminKeyRateLimit ?? null,
        key: config.adminKey,
      });
      return { generatedKey: null, adminKeyAdded: true };
    }
    if (keyCount.n > 0) return { generatedKey: null, adminKeyAdded: false };
    const { key } = await insertApiKey(systemContext(trx, clock), {
      name: 'First admin key',
      scopes: ['admin'],
      userId: admin.id,
      // A person signs into the web UI with this key, and the UI (view counts, live refreshes)
      // outruns the 100-a-minute default meant for integrations.
      rateLimitPerMinute: firstKeyRateLimit,
      key: undefined,
    });
    return { generatedKey: key, adminKeyAdded: false };
  });
}
