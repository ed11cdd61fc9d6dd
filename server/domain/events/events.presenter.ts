import type { EventRow } from '../../../db/schema.ts';
import { jsonDepth, maxJsonDepth } from '../../core/json.ts';
import type { EventT } from '../../../common/contract/events.ts';

/**
 * Event data is stored as written; data nested too deep to serialize again (written before the
 * limit existed, or by another tool) is replaced by a note, so the page holding it still reads
 * and an `after` cursor can pass it.
 */
function storedData(text: string): unknown {
  if (jsonDepth(text) > maxJsonDepth) return { unreadable: `the stored data is nested deeper than ${maxJsonDepth} levels` };
  return JSON.parse(text) as unknown;
}

export function presentEvent(row: EventRow): EventT {
  return {
    id: row.id,
    type: row.type,
    resourceType: row.resource_type,
    resourceId: row.resource_id,
    actor: { type: row.actor_type, id: row.actor_id, userId: row.actor_user_id },
    data: storedData(row.data),
    createdAt: row.created_at,
  };
}
