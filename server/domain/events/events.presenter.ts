import type { EventRow } from '../../../db/schema.ts';
import type { EventT } from '../../../common/contract/events.ts';

export function presentEvent(row: EventRow): EventT {
  return {
    id: row.id,
    type: row.type,
    resourceType: row.resource_type,
    resourceId: row.resource_id,
    actor: { type: row.actor_type, id: row.actor_id, userId: row.actor_user_id },
    data: JSON.parse(row.data) as unknown,
    createdAt: row.created_at,
  };
}
