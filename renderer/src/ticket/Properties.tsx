import type { TicketDetail } from '../api/types.ts';
import { useProjects } from '../api/queries/projects.ts';
import { useUsers } from '../api/queries/users.ts';
import { usePermissions } from '../app/permissions.ts';
import type { TicketChange } from './optimistic.ts';
import { TagEditor } from './TagEditor.tsx';

const statuses = ['open', 'pending', 'resolved', 'closed'] as const;
const priorities = ['urgent', 'high', 'medium', 'low'] as const;
const cap = (s: string) => s[0]?.toUpperCase() + s.slice(1);

export interface PropertiesProps {
  ticket: TicketDetail;
  onChange: (change: TicketChange, what: string) => void;
}

/** Status, priority, assignee, project and tags; every change is applied at once (optimistic). */
export function Properties({ ticket, onChange }: PropertiesProps) {
  const { can, why } = usePermissions();
  const locked = !can('tickets:write');
  const reason = locked ? why('tickets:write') : undefined;
  const users = useUsers().data ?? [];
  const projects = useProjects().data ?? [];
  // Offer active agents and projects, plus the current one even if deactivated or archived.
  const agents = users.filter((u) => u.active || u.id === ticket.assignedTo);
  const queues = projects.filter((p) => p.active || p.id === ticket.projectId);
  return (
    <section className="panel properties" aria-label="Properties" title={reason}>
      <label className="prop">
        <span>Status</span>
        <select
          value={ticket.status}
          disabled={locked}
          className={`status-select ${ticket.status}`}
          onChange={(e) => onChange({ status: e.target.value as TicketDetail['status'] }, 'change the status')}
        >
          {statuses.map((s) => (
            <option key={s} value={s}>
              {cap(s)}
            </option>
          ))}
        </select>
      </label>
      <label className="prop">
        <span>Priority</span>
        <select
          value={ticket.priority}
          disabled={locked}
          onChange={(e) => onChange({ priority: e.target.value as TicketDetail['priority'] }, 'change the priority')}
        >
          {priorities.map((p) => (
            <option key={p} value={p}>
              {cap(p)}
            </option>
          ))}
        </select>
      </label>
      <label className="prop">
        <span>Assignee</span>
        <select
          value={ticket.assignedTo ?? ''}
          disabled={locked}
          onChange={(e) => onChange({ assignedTo: e.target.value || null }, 'change the assignee')}
        >
          <option value="">Unassigned</option>
          {ticket.assignedTo && !agents.some((u) => u.id === ticket.assignedTo) ? (
            <option value={ticket.assignedTo}>Unknown agent</option>
          ) : null}
          {agents.map((u) => (
            <option key={u.id} value={u.id}>
              {u.name}
              {u.active ? '' : ' (deactivated)'}
            </option>
          ))}
        </select>
      </label>
      <label className="prop">
        <span>Project</span>
        <select
          value={ticket.projectId ?? ''}
          disabled={locked}
          onChange={(e) => onChange({ projectId: e.target.value || null }, 'change the project')}
        >
          <option value="">No project</option>
          {queues.map((p) => (
            <option key={p.id} value={p.id}>
              {p.name}
              {p.active ? '' : ' (archived)'}
            </option>
          ))}
        </select>
      </label>
      <div className="prop">
        <span id="tags-label">Tags</span>
        <TagEditor
          tags={ticket.tags}
          readOnly={locked}
          onAdd={(name) => onChange({ addTags: [name] }, `add the tag “${name}”`)}
          onRemove={(name) => onChange({ removeTags: [name] }, `remove the tag “${name}”`)}
        />
      </div>
    </section>
  );
}
