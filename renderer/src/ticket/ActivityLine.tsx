import type { Project, User } from '../api/types.ts';
import { useSession } from '../app/context.tsx';
import { formatFull, formatStamp } from '../components/format.ts';
import { type ActivityItem, type FieldChange, type Overtaken, overtakenText, tagDiff } from './activity.ts';

/** What an activity line needs to say names instead of ids. */
export interface Names {
  users: ReadonlyMap<string, User>;
  projects: ReadonlyMap<string, Project>;
  workflows: ReadonlyMap<string, string>;
}

export function actorName(actor: ActivityItem['actor'], names: Names): string {
  if (actor.userId) return names.users.get(actor.userId)?.name ?? 'An agent';
  if (actor.type === 'workflow') return actor.id && names.workflows.has(actor.id) ? `Workflow “${names.workflows.get(actor.id)}”` : 'A workflow';
  if (actor.type === 'system') return 'LocalDesk';
  if (actor.type === 'user' && actor.id) return names.users.get(actor.id)?.name ?? 'An agent';
  return 'An API key';
}

function describe(change: FieldChange, names: Names): string {
  const { field, to } = change;
  switch (field) {
    case 'status':
      return `set status to ${String(to)}`;
    case 'priority':
      return `set priority to ${String(to)}`;
    case 'assignedTo':
      return to ? `assigned it to ${names.users.get(String(to))?.name ?? 'an agent'}` : 'unassigned it';
    case 'projectId':
      return to ? `moved it to ${names.projects.get(String(to))?.name ?? 'a project'}` : 'removed it from its project';
    case 'subject':
      return `renamed it “${String(to)}”`;
    case 'tags': {
      const { added, removed } = tagDiff(change.from, to);
      if (change.from === undefined) return `set tags to ${(to as string[]).join(', ') || 'none'}`;
      return [added.length ? `added ${added.map((t) => `“${t}”`).join(', ')}` : '', removed.length ? `removed ${removed.map((t) => `“${t}”`).join(', ')}` : '']
        .filter(Boolean)
        .join(' and ');
    }
  }
}

/** A field's value in words: names for agents and projects, lists joined. */
function valueText(field: string, value: unknown, names: Names): string {
  if (value === null || value === undefined || value === '') return 'none';
  if (field === 'assignedTo') return names.users.get(String(value))?.name ?? 'an agent';
  if (field === 'projectId') return names.projects.get(String(value))?.name ?? 'a project';
  if (Array.isArray(value)) return value.map(String).join(', ') || 'none';
  return String(value);
}

function OvertakenText({ item, overtaken, names }: { item: ActivityItem; overtaken: Overtaken; names: Names }) {
  const { me } = useSession();
  const mine = item.actor.userId !== null && item.actor.userId === me.id;
  const whose = mine ? 'Your' : `${actorName(item.actor, names)}’s`;
  const by = overtaken.byName ?? (overtaken.byUserId ? names.users.get(overtaken.byUserId)?.name : undefined) ?? 'a teammate';
  return <>{overtakenText(overtaken, whose, by, (field, v) => valueText(field, v, names))}</>;
}

/** One change between the messages: "Maya Chen set status to resolved · Mar 2, 09:40". */
export function ActivityLine({ item, names, now }: { item: ActivityItem; names: Names; now: number }) {
  const who = actorName(item.actor, names);
  const what = item.kind === 'merged' ? `merged ${item.sourceIds.join(', ')} into this ticket` : item.changes.map((c) => describe(c, names)).join(', ');
  return (
    <li className={item.kind === 'overtaken' ? 'msg activity overtaken' : 'msg activity'}>
      <span className="activity-dot" aria-hidden="true" />
      <span>
        {item.kind === 'overtaken' && item.overtaken ? (
          <OvertakenText item={item} overtaken={item.overtaken} names={names} />
        ) : (
          <>
            <strong>{who}</strong> {what}
          </>
        )}{' '}
        ·{' '}
        <time dateTime={item.at} title={formatFull(item.at)}>
          {formatStamp(item.at, now)}
        </time>
      </span>
    </li>
  );
}
