import { useQuery, useQueryClient } from '@tanstack/react-query';
import { memo } from 'react';
import { listTickets, pause, ticketKeys } from '../api/tickets.ts';
import { useSession } from '../app/context.tsx';
import { Keys } from '../keyboard/Keys.tsx';
import { type SavedView, type ViewId, savedViews, viewCountQuery } from './views.ts';

const icons: Record<ViewId, string> = {
  mine: '◉',
  unassigned: '○',
  urgent: '▲',
  sla: '◷',
  all: '☰',
};

/** The saved views, each with its live count (one limit=1 request per view). */
export const ViewsNav = memo(function ViewsNav({ active, onOpen }: { active: ViewId | null; onOpen: (id: ViewId) => void }) {
  return (
    <nav className="views-nav" aria-label="Saved views">
      <div className="views-title">Inbox</div>
      <ul>
        {savedViews.map((view) => (
          <li key={view.id}>
            <ViewButton view={view} active={view.id === active} onOpen={onOpen} />
          </li>
        ))}
      </ul>
      <div className="views-hints" aria-label="Keyboard hints">
        <div>
          <Keys keys="j" /> <Keys keys="k" /> move
        </div>
        <div>
          <Keys keys="x" /> select · <Keys keys="e" /> resolve
        </div>
        <div>
          <Keys keys="a" /> assign to me
        </div>
        <div>
          <Keys keys="?" /> all shortcuts
        </div>
      </div>
    </nav>
  );
});

function ViewButton({ view, active, onOpen }: { view: SavedView; active: boolean; onOpen: (id: ViewId) => void }) {
  const { api, me } = useSession();
  const qc = useQueryClient();
  const query = viewCountQuery(view, me.id);
  const queryKey = ticketKeys.list(query);
  const count = useQuery({
    queryKey,
    queryFn: async ({ signal }) => {
      // Counts refresh on every live event: coalesce bursts (see pause()).
      if (qc.getQueryData(queryKey) !== undefined) await pause(600, signal);
      return listTickets(api, query, signal);
    },
    select: (page) => page.total,
  });
  return (
    <button
      type="button"
      className={`view-link ${active ? 'active' : ''} view-${view.id}`}
      aria-current={active ? 'true' : undefined}
      title={view.hint}
      onClick={() => onOpen(view.id)}
    >
      <span className="view-icon" aria-hidden="true">
        {icons[view.id]}
      </span>
      <span className="view-label">{view.label}</span>
      <span className="view-count" aria-label={count.data === undefined ? 'count loading' : `${count.data} tickets`}>
        {count.data === undefined ? (count.isError ? '–' : '') : formatCount(count.data)}
      </span>
    </button>
  );
}

const integer = new Intl.NumberFormat('en-US');

export function formatCount(n: number): string {
  if (n < 10_000) return integer.format(n);
  if (n < 1_000_000) return `${(n / 1000).toFixed(n < 100_000 ? 1 : 0)}k`;
  return `${(n / 1_000_000).toFixed(1)}M`;
}
