import { type FormEvent, useState } from 'react';
import { Keys } from '../keyboard/Keys.tsx';
import { useTags } from '../api/queries/tags.ts';
import { type Priority, priorities } from './views.ts';

export interface BulkBarProps {
  count: number;
  busy: boolean;
  onResolve: () => void;
  onAssignMe: () => void;
  onPriority: (priority: Priority) => void;
  onAddTag: (tag: string) => void;
  onClear: () => void;
  /** Why the key may not change tickets; the actions are disabled with it as their title. */
  readOnlyReason?: string;
}

/** Appears while tickets are ticked: the bulk actions of POST /tickets/bulk. */
export function BulkBar({ count, busy, onResolve, onAssignMe, onPriority, onAddTag, onClear, readOnlyReason }: BulkBarProps) {
  const off = busy || readOnlyReason !== undefined;
  const tags = useTags().data ?? [];
  const [tag, setTag] = useState('');
  function addTag(event: FormEvent) {
    event.preventDefault();
    const name = tag.trim().toLowerCase();
    if (!name) return;
    onAddTag(name);
    setTag('');
  }
  return (
    <div className="bulk-bar" role="toolbar" aria-label="Bulk actions">
      <span className="bulk-count" aria-live="polite">
        {count} selected
      </span>
      <button type="button" className="primary" disabled={off} title={readOnlyReason} onClick={onResolve}>
        Resolve <Keys keys="e" />
      </button>
      <button type="button" disabled={off} title={readOnlyReason} onClick={onAssignMe}>
        Assign to me <Keys keys="a" />
      </button>
      <select
        aria-label="Set priority"
        disabled={off} title={readOnlyReason}
        value=""
        onChange={(e) => e.target.value && onPriority(e.target.value as Priority)}
      >
        <option value="">Set priority…</option>
        {priorities.map((p) => (
          <option key={p} value={p}>
            {p[0]?.toUpperCase() + p.slice(1)}
          </option>
        ))}
      </select>
      <form className="bulk-tag" onSubmit={addTag}>
        <input
          aria-label="Add tag to selected"
          placeholder="Add tag…"
          list="bulk-tag-names"
          value={tag}
          disabled={off} title={readOnlyReason}
          onChange={(e) => setTag(e.target.value)}
        />
        <datalist id="bulk-tag-names">
          {tags.map((t) => (
            <option key={t.id} value={t.name} />
          ))}
        </datalist>
        <button type="submit" disabled={off || !tag.trim()} title={readOnlyReason}>
          Add
        </button>
      </form>
      <button type="button" className="link bulk-clear" onClick={onClear}>
        Clear <Keys keys="escape" />
      </button>
    </div>
  );
}
