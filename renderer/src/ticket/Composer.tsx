import { type KeyboardEvent, type Ref, useEffect, useImperativeHandle, useRef, useState } from 'react';
import { AttachmentChips, AttachmentZone } from '../attachments/AttachmentZone.tsx';
import { useAttachmentDraft } from '../attachments/useAttachmentDraft.ts';
import { usePermissions } from '../app/permissions.ts';
import { Icon } from '../components/Icon.tsx';
import { Keys } from '../keyboard/Keys.tsx';
import { type ComposerMode, setDraft, useDraft } from './drafts.ts';
import { describeChange } from './macroDraft.ts';
import { useOutbox } from './OutboxProvider.tsx';

export type { ComposerMode } from './drafts.ts';

export interface ComposerHandle {
  focus: (mode: ComposerMode) => void;
}

export interface ComposerProps {
  ticketId: string;
  contactName: string;
  /** Where focus goes after a send or Escape: the thread, so r and n work at once. */
  onLeave: () => void;
  /** Asked before sending; false keeps the draft (someone else replied meanwhile). */
  confirmSend?: (note: boolean) => boolean;
  ref?: Ref<ComposerHandle>;
}

/**
 * Reply to the customer or write an internal note; Ctrl/Cmd+Enter sends, Escape leaves the box.
 * Picking a tab focuses the box (so letters typed next are text, never shortcuts). A note is
 * amber, labelled and placeheld as one, and switching mode only switches drafts.
 */
export function Composer({ ticketId, contactName, onLeave, confirmSend, ref }: ComposerProps) {
  const { can, why } = usePermissions();
  const outbox = useOutbox();
  const [mode, setMode] = useState<ComposerMode>('reply');
  const draft = useDraft(ticketId, mode);
  const files = useAttachmentDraft();
  const area = useRef<HTMLTextAreaElement>(null);

  // An undone send puts its files back beside its text.
  const { restore } = files;
  useEffect(() => {
    if (!draft.attachments?.length) return;
    restore(draft.attachments);
    setDraft(ticketId, mode, { ...draft, attachments: [] });
  }, [draft, restore, ticketId, mode]);

  useImperativeHandle(ref, () => ({
    focus: (next) => {
      setMode(next);
      area.current?.focus();
    },
  }));

  if (!can('tickets:write')) {
    return (
      <section className="composer readonly" aria-label="Composer">
        <p className="muted small">
          <Icon name="shield" size={14} /> You can read this ticket but not reply or add notes. {why('tickets:write')}
        </p>
      </section>
    );
  }

  function pick(next: ComposerMode) {
    setMode(next);
    // Synchronously: the very next key must land in the box.
    area.current?.focus();
  }

  const blocked = files.busy || files.failed;
  function send() {
    const body = draft.text.trim();
    if (!body || blocked) return;
    if (confirmSend && !confirmSend(mode === 'note')) return;
    outbox.send(ticketId, body, mode === 'note', mode === 'reply' ? draft.macro : null, files.uploaded);
    setDraft(ticketId, mode, { text: '', macro: null });
    files.clear();
    onLeave();
  }

  function onKeyDown(event: KeyboardEvent<HTMLTextAreaElement>) {
    if (event.key === 'Enter' && (event.ctrlKey || event.metaKey)) {
      event.preventDefault();
      send();
    } else if (event.key === 'Escape') {
      // Leave the box (the draft stays); a second Escape goes back to the inbox.
      event.preventDefault();
      onLeave();
    }
  }

  const note = mode === 'note';
  const macro = note ? null : draft.macro;
  return (
    <section className={`composer ${note ? 'note' : 'reply'}`} aria-label="Composer">
      <div className="composer-tabs" role="tablist" aria-label="Message type">
        <button type="button" role="tab" aria-selected={!note} onClick={() => pick('reply')}>
          <Icon name="send" size={14} /> Reply <Keys keys="r" />
        </button>
        <button type="button" role="tab" aria-selected={note} onClick={() => pick('note')}>
          <Icon name="eye" size={14} /> Internal note <Keys keys="n" />
        </button>
      </div>
      {note ? <p className="composer-banner">Internal note: only your team sees this. The customer is not notified.</p> : null}
      <AttachmentZone draft={files}>
        <textarea
          ref={area}
          aria-label={note ? 'Internal note' : 'Reply to customer'}
          placeholder={note ? 'Write a note for your team (not sent to the customer)…' : `Reply to ${contactName}…`}
          rows={4}
          value={draft.text}
          onChange={(e) => setDraft(ticketId, mode, { ...draft, text: e.target.value })}
          onKeyDown={onKeyDown}
        />
      </AttachmentZone>
      <AttachmentChips draft={files} />
      {macro ? (
        <div className="composer-macro">
          <span className="small">
            <Icon name="zap" size={13} /> <strong>{macro.name}</strong> will also: {describeChange(macro.changes)}
          </span>
          <button type="button" className="link small" onClick={() => setDraft(ticketId, mode, { ...draft, macro: null })}>
            Don’t apply
          </button>
        </div>
      ) : null}
      <div className="composer-foot">
        <span className="muted small">{note ? 'Visible to your team only' : `Sent to ${contactName}`}</span>
        <button type="button" className={note ? 'note-send' : 'primary'} disabled={!draft.text.trim() || blocked} onClick={send}>
          {note ? 'Add note' : 'Send reply'} <Keys keys="mod+enter" />
        </button>
      </div>
    </section>
  );
}
