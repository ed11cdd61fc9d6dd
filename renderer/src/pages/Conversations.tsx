import { useEffect, useState } from 'react';
import { useSearch, useSearchParams } from 'wouter';
import { Icon } from '../components/Icon.tsx';
import { Segmented } from '../components/Segmented.tsx';
import { EmptyState, PageHeader } from '../components/States.tsx';
import { channelMeta } from '../conversations/channel.tsx';
import { ConversationCount, ConversationList } from '../conversations/ConversationList.tsx';
import { ConversationThread } from '../conversations/ConversationThread.tsx';
import { type ChannelFilter, type StatusFilter, filtersFromSearch } from '../conversations/filters.ts';
import '../conversations/conversations.css';

const channelOptions = [
  { value: 'all' as const, label: 'All' },
  ...(['email', 'chat', 'widget'] as const).map((c) => ({
    value: c,
    name: channelMeta[c].label,
    label: (
      <>
        <Icon name={channelMeta[c].icon} size={14} /> {channelMeta[c].label}
      </>
    ),
  })),
];

/** Cross-channel threads: filters and the list on the left, the selected thread on the right. */
export function Conversations({ selectedId }: { selectedId?: string }) {
  const [params, setParams] = useSearchParams();
  const search = useSearch();
  const filters = filtersFromSearch(params);
  const [text, setText] = useState(filters.search);

  // Search as you type, without a request per keystroke.
  useEffect(() => {
    if (text === filters.search) return;
    const timer = setTimeout(() => update({ q: text }), 300);
    return () => clearTimeout(timer);
    // Only the typed text triggers this; `update` reads the latest params when it runs.
  }, [text]);

  function update(change: Partial<Record<'channel' | 'status' | 'q', string>>) {
    setParams(
      (prev) => {
        const next = new URLSearchParams(prev);
        for (const [name, value] of Object.entries(change)) {
          const isDefault = !value || (name === 'channel' && value === 'all') || (name === 'status' && value === 'active');
          if (isDefault) next.delete(name);
          else next.set(name, value);
        }
        return next;
      },
      { replace: true },
    );
  }

  return (
    <div className="ld-page conv-page">
      <PageHeader
        title="Conversations"
        subtitle="Email, chat and widget threads. Reply here, or turn one into a ticket."
        actions={
          <label className="conv-search">
            <Icon name="search" />
            <span className="ui-sr-only">Search conversations</span>
            <input type="search" placeholder="Search conversations" value={text} onChange={(e) => setText(e.target.value)} />
          </label>
        }
      />
      <div className="conv-layout card">
        <aside className="conv-list-pane" aria-label="Conversation list">
          <div className="conv-filters">
            <Segmented<ChannelFilter> label="Channel" variant="tabs" options={channelOptions} value={filters.channel} onChange={(v) => update({ channel: v })} />
          </div>
          <div className="conv-subbar">
            <ConversationCount filters={filters} />
            <Segmented<StatusFilter>
              label="Status"
              size="small"
              options={[
                { value: 'active', label: 'Active' },
                { value: 'archived', label: 'Archived' },
              ]}
              value={filters.status}
              onChange={(v) => update({ status: v })}
            />
          </div>
          <div className="conv-scroll">
            <ConversationList filters={filters} selectedId={selectedId} search={search} />
          </div>
        </aside>
        <section className="conv-thread-pane" aria-label="Conversation">
          {selectedId ? (
            <ConversationThread id={selectedId} />
          ) : (
            <EmptyState icon="chat" title="Pick a conversation">
              Choose a thread on the left to read it, reply, archive it or convert it into a ticket.
            </EmptyState>
          )}
        </section>
      </div>
    </div>
  );
}
