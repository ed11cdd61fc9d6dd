import { useState } from 'react';
import { Icon } from '../components/Icon.tsx';
import { AttachmentChips, AttachmentZone } from '../attachments/AttachmentZone.tsx';
import { useAttachmentDraft } from '../attachments/useAttachmentDraft.ts';

export interface ReplyBoxProps {
  to: string;
  busy: boolean;
  error: string | null;
  /** Resolves once sent; the box clears then (and keeps the text if it fails). */
  onSend: (body: string, attachments: string[]) => Promise<void>;
}

/** The agent's reply: Ctrl/⌘+Enter sends. */
export function ReplyBox({ to, busy, error, onSend }: ReplyBoxProps) {
  const [body, setBody] = useState('');
  const files = useAttachmentDraft();
  const empty = body.trim() === '';

  function send() {
    if (empty || busy || files.busy || files.failed) return;
    const text = body.trim();
    setBody('');
    onSend(text, files.ids).then(files.clear, () => setBody(text));
  }

  return (
    <form
      className="conv-reply"
      onSubmit={(e) => {
        e.preventDefault();
        send();
      }}
    >
      <label htmlFor="reply-body" className="ui-sr-only">
        Reply to {to}
      </label>
      <AttachmentZone draft={files}>
        <textarea
          id="reply-body"
          rows={3}
          placeholder={`Reply to ${to}…`}
          value={body}
          onChange={(e) => setBody(e.target.value)}
          onKeyDown={(e) => {
            if (e.key === 'Enter' && (e.ctrlKey || e.metaKey)) {
              e.preventDefault();
              send();
            }
          }}
        />
      </AttachmentZone>
      <AttachmentChips draft={files} />
      <div className="conv-reply-foot">
        {error ? (
          <span className="error small" role="alert">
            {error}
          </span>
        ) : (
          <span className="muted small">
            <kbd>Ctrl</kbd> + <kbd>Enter</kbd> to send
          </span>
        )}
        <button type="submit" className="primary" disabled={empty || busy || files.busy || files.failed}>
          <Icon name="send" /> Send reply
        </button>
      </div>
    </form>
  );
}
