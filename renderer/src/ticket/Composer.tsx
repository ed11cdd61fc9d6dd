import { type KeyboardEvent, type Ref, useEffect, useImperativeHandle, useRef, useState } from 'react';
import { Keys } from '../keyboard/Keys.tsx';
import { AttachmentChips, AttachmentZone } from '../attachments/AttachmentZone.tsx';
import { useAttachmentDraft } from '../attachments/useAttachmentDraft.ts';

export type ComposerMode = 'reply' | 'note';

export interface ComposerHandle {
  focus: (mode: ComposerMode) => void;
}

export interface ComposerProps {
  ticketId: string;
  contactName: string;
  /** Posts the message; resolves false when it failed (the draft is kept). */
  onSend: (body: string, internal: boolean, attachments: string[]) => Promise<boolean>;
  ref?: Ref<ComposerHandle>;
}

// Unsent text survives leaving the ticket (per ticket and mode) for the rest of the session.
const drafts = new Map<string, string>();

/** Reply to the customer or write an internal note; Ctrl/Cmd+Enter sends. */
export function Composer({ ticketId, contactName, onSend, ref }: ComposerProps) {
  const [mode, setMode] = useState<ComposerMode>('reply');
  const [text, setText] = useState(() => drafts.get(`${ticketId}:reply`) ?? '');
  const [sending, setSending] = useState(false);
  const files = useAttachmentDraft();
  const area = useRef<HTMLTextAreaElement>(null);
  const draftKey = `${ticketId}:${mode}`;
  const currentKey = useRef(draftKey);
  currentKey.current = draftKey;

  useEffect(() => {
    setText(drafts.get(draftKey) ?? '');
  }, [draftKey]);

  // Files belong to the ticket they were attached on.
  const clearFiles = files.clear;
  useEffect(() => clearFiles(), [ticketId, clearFiles]);

  useImperativeHandle(ref, () => ({
    focus: (next) => {
      setMode(next);
      // Focus after the mode's draft is in place.
      requestAnimationFrame(() => area.current?.focus());
    },
  }));

  function change(value: string) {
    setText(value);
    if (value) drafts.set(draftKey, value);
    else drafts.delete(draftKey);
  }

  async function send() {
    const body = text.trim();
    if (!body || sending || files.busy || files.failed) return;
    setSending(true);
    const sentKey = draftKey;
    change('');
    const ok = await onSend(body, mode === 'note', files.ids);
    setSending(false);
    if (ok) files.clear();
    if (!ok) {
      drafts.set(sentKey, body);
      if (currentKey.current === sentKey) setText(body);
    }
  }

  function onKeyDown(event: KeyboardEvent<HTMLTextAreaElement>) {
    if (event.key === 'Enter' && (event.ctrlKey || event.metaKey)) {
      event.preventDefault();
      void send();
    }
  }

  const note = mode === 'note';
  return (
    <section className={`composer ${note ? 'note' : 'reply'}`} aria-label="Composer">
      <div className="composer-tabs" role="tablist" aria-label="Message type">
        <button type="button" role="tab" aria-selected={!note} onClick={() => setMode('reply')}>
          Reply <Keys keys="r" />
        </button>
        <button type="button" role="tab" aria-selected={note} onClick={() => setMode('note')}>
          Internal note <Keys keys="n" />
        </button>
      </div>
      <AttachmentZone draft={files}>
        <textarea
          ref={area}
          aria-label={note ? 'Internal note' : 'Reply to customer'}
          placeholder={note ? 'Only agents see notes…' : `Reply to ${contactName}…`}
          rows={4}
          value={text}
          onChange={(e) => change(e.target.value)}
          onKeyDown={onKeyDown}
        />
      </AttachmentZone>
      <AttachmentChips draft={files} />
      <div className="composer-foot">
        <span className="muted small">{note ? 'Visible to your team only' : 'Sent to the customer'}</span>
        <button type="button" className="primary" disabled={!text.trim() || sending || files.busy || files.failed} onClick={() => void send()}>
          {note ? 'Add note' : 'Send reply'} <Keys keys="mod+enter" />
        </button>
      </div>
    </section>
  );
}
