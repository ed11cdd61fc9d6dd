import { useQueryClient } from '@tanstack/react-query';
import { memo } from 'react';
import { deleteView, useSavedViews } from '../api/queries/views.ts';
import { useTicketList } from '../api/queries/tickets.ts';
import { queryKeys } from '../api/queryKeys.ts';
import { useSession } from '../app/context.tsx';
import { Icon } from '../components/Icon.tsx';
import { messageOf } from '../components/formErrors.ts';
import { toast } from '../components/toast.tsx';
import { Keys } from '../keyboard/Keys.tsx';
import { type SavedView, fromServerView, savedViews, viewCountQuery } from './views.ts';

const icons: Record<string, string> = {
  mine: '◉',
  unassigned: '○',
  urgent: '▲',
  sla: '◷',
  all: '☰',
};

/** The user's views saved on the server, as inbox views (none while the server has no /views). */
export function useUserViews(): { views: SavedView[]; available: boolean } {
  const query = useSavedViews();
  return { views: (query.data?.items ?? []).map(fromServerView), available: query.data ? !query.data.unavailable : false };
}

/** The built-in views and the agent's own, each with its live count (one limit=1 request each). */
export const ViewsNav = memo(function ViewsNav({ active, onOpen }: { active: string | null; onOpen: (view: SavedView) => void }) {
  const { views } = useUserViews();
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
      {views.length > 0 ? (
        <>
          <div className="views-title">Your views</div>
          <ul>
            {views.map((view) => (
              <li key={view.id} className="user-view">
                <ViewButton view={view} active={view.id === active} onOpen={onOpen} />
                <DeleteView view={view} />
              </li>
            ))}
          </ul>
        </>
      ) : null}
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

function ViewButton({ view, active, onOpen }: { view: SavedView; active: boolean; onOpen: (view: SavedView) => void }) {
  const { me } = useSession();
  // Counts refresh on every live event: coalesce bursts.
  const count = useTicketList(viewCountQuery(view, me.id), { coalesceMs: 600 });
  const total = count.data?.total;
  return (
    <button
      type="button"
      className={`view-link ${active ? 'active' : ''} view-${view.id}`}
      aria-current={active ? 'true' : undefined}
      title={view.hint}
      onClick={() => onOpen(view)}
    >
      <span className="view-icon" aria-hidden="true">
        {icons[view.id] ?? '★'}
      </span>
      <span className="view-label">{view.label}</span>
      <span className="view-count" aria-label={total === undefined ? 'count loading' : `${total} tickets`}>
        {total === undefined ? (count.isError ? '–' : '') : formatCount(total)}
      </span>
    </button>
  );
}

function DeleteView({ view }: { view: SavedView }) {
  const { api } = useSession();
  const qc = useQueryClient();
  async function remove() {
    try {
      await deleteView(api, view.id);
      toast(`Deleted the view “${view.label}”`, 'success');
    } catch (err) {
      toast(`Could not delete the view: ${messageOf(err)}`, 'error');
    } finally {
      void qc.invalidateQueries({ queryKey: queryKeys.views });
    }
  }
  return (
    <button type="button" className="ui-icon-button view-delete" aria-label={`Delete view ${view.label}`} title="Delete this view" onClick={() => void remove()}>
      <Icon name="x" size={12} />
    </button>
  );
}

const integer = new Intl.NumberFormat('en-US');

export function formatCount(n: number): string {
  if (n < 10_000) return integer.format(n);
  if (n < 1_000_000) return `${(n / 1000).toFixed(n < 100_000 ? 1 : 0)}k`;
  return `${(n / 1_000_000).toFixed(1)}M`;
}
