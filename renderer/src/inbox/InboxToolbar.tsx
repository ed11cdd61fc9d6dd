import { type KeyboardEvent, type RefObject, memo, useEffect, useState } from 'react';
import type { TicketSortField } from '../api/queries/tickets.ts';
import { useProjects } from '../api/queries/projects.ts';
import { useTags } from '../api/queries/tags.ts';
import { useUsers } from '../api/queries/users.ts';
import { Keys } from '../keyboard/Keys.tsx';
import { type InboxFilters, type InboxSort, type Priority, isFiltered, noFilters, priorities, statuses } from './views.ts';

export interface ToolbarProps {
  filters: InboxFilters;
  searchRef: RefObject<HTMLInputElement | null>;
  onFilters: (filters: InboxFilters) => void;
  /** Leaves the search box for the list (Escape, or Enter/↓ to start triaging the results). */
  onLeaveSearch: () => void;
}

const sortLabels: Record<TicketSortField, string> = {
  createdAt: 'Created',
  updatedAt: 'Updated',
  priority: 'Priority',
  status: 'Status',
};

/** Search (debounced) and the contract's filters. */
export const InboxToolbar = memo(function InboxToolbar({ filters, searchRef, onFilters, onLeaveSearch }: ToolbarProps) {
  const users = useUsers().data ?? [];
  const projects = useProjects().data ?? [];
  const tags = useTags().data ?? [];
  const [search, setSearch] = useState(filters.search);

  // Follow outside changes (a saved view, "clear filters").
  useEffect(() => {
    setSearch(filters.search);
  }, [filters.search]);
  useEffect(() => {
    if (search.trim() === filters.search.trim()) return;
    const timer = setTimeout(() => onFilters({ ...filters, search }), 250);
    return () => clearTimeout(timer);
  }, [search, filters, onFilters]);

  const set = (patch: Partial<InboxFilters>) => onFilters({ ...filters, ...patch });
  const toggleStatus = (status: InboxFilters['status'][number]) =>
    set({ status: filters.status.includes(status) ? filters.status.filter((s) => s !== status) : [...filters.status, status] });

  function onSearchKey(event: KeyboardEvent<HTMLInputElement>) {
    if (event.key === 'Escape' || event.key === 'ArrowDown' || event.key === 'Enter') {
      event.preventDefault();
      if (event.key === 'Escape' && search) setSearch('');
      if (search.trim() !== filters.search.trim()) onFilters({ ...filters, search });
      onLeaveSearch();
    }
  }

  return (
    <div className="inbox-toolbar" role="search">
      <div className="search-box">
        <span className="search-icon" aria-hidden="true">⌕</span>
        <input
          ref={searchRef}
          type="search"
          aria-label="Search tickets"
          placeholder="Search subject, description, messages…"
          value={search}
          onChange={(e) => setSearch(e.target.value)}
          onKeyDown={onSearchKey}
        />
        {search ? null : <Keys keys="/" />}
      </div>
      <div className="filter-group" role="group" aria-label="Status">
        {statuses.map((status) => (
          <button
            key={status}
            type="button"
            className={`chip status-chip ${status}`}
            aria-pressed={filters.status.includes(status)}
            onClick={() => toggleStatus(status)}
          >
            {status}
          </button>
        ))}
      </div>
      <select
        aria-label="Priority"
        value={filters.priority.length === 1 ? filters.priority[0] : filters.priority.length ? 'several' : ''}
        onChange={(e) => set({ priority: e.target.value ? [e.target.value as Priority] : [] })}
      >
        <option value="">Any priority</option>
        {filters.priority.length > 1 ? <option value="several">{filters.priority.join(', ')}</option> : null}
        {priorities.map((p) => (
          <option key={p} value={p}>
            {p[0]?.toUpperCase() + p.slice(1)}
          </option>
        ))}
      </select>
      <select aria-label="Assignee" value={filters.assignee} onChange={(e) => set({ assignee: e.target.value })}>
        <option value="any">Anyone</option>
        <option value="me">Me</option>
        <option value="none">Unassigned</option>
        {users.map((u) => (
          <option key={u.id} value={u.id}>
            {u.name}
            {u.active ? '' : ' (deactivated)'}
          </option>
        ))}
      </select>
      <select aria-label="Project" value={filters.projectId ?? ''} onChange={(e) => set({ projectId: e.target.value || null })}>
        <option value="">All projects</option>
        {projects.map((p) => (
          <option key={p.id} value={p.id}>
            {p.name}
          </option>
        ))}
      </select>
      <select aria-label="Tag" value={filters.tag ?? ''} onChange={(e) => set({ tag: e.target.value || null })}>
        <option value="">Any tag</option>
        {tags.map((t) => (
          <option key={t.id} value={t.name}>
            {t.name}
          </option>
        ))}
      </select>
      <select aria-label="SLA" value={filters.sla ?? ''} onChange={(e) => set({ sla: (e.target.value || null) as InboxFilters['sla'] })}>
        <option value="">Any SLA</option>
        <option value="breached">SLA breached</option>
        <option value="due-soon">Due within 2 h</option>
      </select>
      {isFiltered(filters) ? (
        <button type="button" className="link clear-filters" onClick={() => onFilters(noFilters)}>
          Clear
        </button>
      ) : null}
    </div>
  );
});

/** Sort field and direction. */
export const SortControl = memo(function SortControl({ sort, onSort }: { sort: InboxSort; onSort: (sort: InboxSort) => void }) {
  return (
    <div className="sort-group">
      <span className="muted small">Sort</span>
      <select
        aria-label="Sort by"
        value={sort.sortBy}
        onChange={(e) => onSort({ ...sort, sortBy: e.target.value as TicketSortField })}
      >
        {(Object.keys(sortLabels) as TicketSortField[]).map((field) => (
          <option key={field} value={field}>
            {sortLabels[field]}
          </option>
        ))}
      </select>
      <button
        type="button"
        className="icon-button"
        aria-label={sort.sortOrder === 'desc' ? 'Descending: switch to ascending' : 'Ascending: switch to descending'}
        title={sort.sortOrder === 'desc' ? 'Newest / highest first' : 'Oldest / lowest first'}
        onClick={() => onSort({ ...sort, sortOrder: sort.sortOrder === 'desc' ? 'asc' : 'desc' })}
      >
        {sort.sortOrder === 'desc' ? '↓' : '↑'}
      </button>
    </div>
  );
});
