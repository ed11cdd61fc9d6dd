import { useState } from 'react';
import { Icon } from '../components/Icon.tsx';

export interface ReplyBoxProps {
  to: string;
  busy: boolean;
  error: string | null;
  /** Resolves once sent; the box clears then (and keeps the text if it fails). */
  onSend: (body: string) => Promise<void>;
}

/** The agent's reply: Ctrl/⌘+Enter sends. */
export function ReplyBox({ to, busy, error, onSend }: ReplyBoxProps) {
  const [body, setBody] = useState('');
  const empty = body.trim() === '';

  function send() {
    if (empty || busy) return;
    const text = body.trim();
    setBody('');
    onSend(text).catch(() => setBody(text));
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
        <button type="submit" className="primary" disabled={empty || busy}>
          <Icon name="send" /> Send reply
        </button>
      </div>
    </form>
  );
}
