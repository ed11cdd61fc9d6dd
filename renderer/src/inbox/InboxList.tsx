// The virtual list of tickets: only the rows on screen exist in the DOM, at any list size.
// A listbox (multi-select for bulk actions) whose active option follows the j/k cursor.
import { useVirtualizer } from '@tanstack/react-virtual';
import { type CSSProperties, type RefObject, useEffect, useRef, useSyncExternalStore } from 'react';
import { PAGE_SIZE } from '../api/queries/tickets.ts';
import type { Ticket, User } from '../api/types.ts';
import { rowAt } from './paging.ts';
import { ROW_HEIGHT, SkeletonRow, TicketRow, rowDomId } from './TicketRow.tsx';

// Under 1100 px rows take two lines (inbox-list.css): the virtualizer must know their height.
const narrow = typeof window === 'undefined' ? null : window.matchMedia('(max-width: 1100px)');
const onNarrowChange = (listener: () => void) => {
  narrow?.addEventListener('change', listener);
  return () => narrow?.removeEventListener('change', listener);
};

function useRowHeight(): number {
  return useSyncExternalStore(onNarrowChange, () => narrow?.matches ?? false) ? 62 : ROW_HEIGHT;
}

export interface InboxListProps {
  total: number | undefined;
  pages: ReadonlyMap<number, readonly Ticket[]>;
  cursor: number;
  selected: ReadonlySet<string>;
  users: ReadonlyMap<string, User>;
  now: number;
  stale: boolean;
  initialOffset: number;
  listRef: RefObject<HTMLDivElement | null>;
  onScroll: (offset: number) => void;
  onRange: (start: number, end: number) => void;
  onOpen: (index: number, id: string) => void;
  onToggle: (index: number, id: string) => void;
}

/** Rows shown as placeholders while the first page has not answered. */
const placeholderRows = 14;

export function InboxList(props: InboxListProps) {
  const { total, pages, cursor, selected, users, now, stale, listRef, onRange, onScroll } = props;
  const count = total ?? placeholderRows;
  const rowHeight = useRowHeight();
  const lastRange = useRef('');
  const virtualizer = useVirtualizer({
    count,
    getScrollElement: () => listRef.current,
    estimateSize: () => rowHeight,
    overscan: 4,
    initialOffset: props.initialOffset,
    onChange: (instance) => {
      onScroll(instance.scrollOffset ?? 0);
      const range = instance.range;
      if (!range) return;
      // Tell the pager only when the rows on screen moved by a good step (not every pixel).
      const key = `${Math.floor(range.startIndex / 10)}:${Math.floor(range.endIndex / 10)}`;
      if (key === lastRange.current) return;
      lastRange.current = key;
      onRange(range.startIndex, range.endIndex);
    },
  });

  useEffect(() => virtualizer.measure(), [rowHeight, virtualizer]);

  // Keep the cursor row in view as it moves (no jump when it is visible already).
  useEffect(() => {
    if (cursor >= 0 && cursor < count) virtualizer.scrollToIndex(cursor, { align: 'auto' });
  }, [cursor, count, virtualizer]);

  const items = virtualizer.getVirtualItems();
  const activeRendered = cursor >= 0 && items.some((i) => i.index === cursor) && rowAt(pages, cursor, PAGE_SIZE);
  return (
    <div
      ref={listRef}
      className={`ticket-list ${stale ? 'stale' : ''}`}
      role="listbox"
      aria-label="Tickets"
      aria-multiselectable="true"
      aria-busy={total === undefined || stale}
      aria-activedescendant={activeRendered ? rowDomId(cursor) : undefined}
      tabIndex={0}
    >
      <div className="ticket-list-inner" style={{ height: virtualizer.getTotalSize(), '--row-height': `${rowHeight}px` } as CSSProperties}>
        {items.map((item) => {
          const ticket = total === undefined && !stale ? undefined : rowAt(pages, item.index, PAGE_SIZE);
          if (!ticket) return <SkeletonRow key={item.index} index={item.index} top={item.start} />;
          const assignee = ticket.assignedTo ? users.get(ticket.assignedTo) : undefined;
          return (
            <TicketRow
              key={item.index}
              ticket={ticket}
              index={item.index}
              total={count}
              top={item.start}
              active={item.index === cursor}
              selected={selected.has(ticket.id)}
              assigneeName={ticket.assignedTo ? (assignee?.name ?? 'Unknown agent') : null}
              now={now}
              onOpen={props.onOpen}
              onToggle={props.onToggle}
            />
          );
        })}
      </div>
    </div>
  );
}
