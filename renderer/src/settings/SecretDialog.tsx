import { useRef } from 'react';
import { CopyButton } from '../components/CopyButton.tsx';
import { Dialog } from '../components/Dialog.tsx';
import { Icon } from '../components/Icon.tsx';

/**
 * Shows a secret (an API key, a webhook signing secret) the one time the API returns it. It
 * closes only through its button, and the caller drops the secret from memory on close.
 */
export function SecretDialog({ title, label, secret, children, onDone }: { title: string; label: string; secret: string; children?: React.ReactNode; onDone: () => void }) {
  const input = useRef<HTMLInputElement>(null);
  return (
    <Dialog
      title={title}
      size="large"
      modal
      onClose={onDone}
      footer={
        <button type="button" className="primary" onClick={onDone}>
          I’ve stored it safely
        </button>
      }
    >
      <div className="st-secret-warning" role="note">
        <Icon name="warning" size={18} />
        <p>
          <strong>Copy it now: it will not be shown again.</strong> LocalDesk keeps only a hash of it, so nobody, you included, can
          see it later. If it is lost, create a new one and revoke this one.
        </p>
      </div>
      <div className="ui-field">
        <label htmlFor="secret-value">{label}</label>
        <div className="st-secret-row">
          <input
            ref={input}
            id="secret-value"
            className="ui-mono st-secret-value"
            readOnly
            value={secret}
            spellCheck={false}
            onFocus={(e) => e.currentTarget.select()}
            autoFocus
          />
          <CopyButton text={secret} className="primary" />
        </div>
      </div>
      {children}
    </Dialog>
  );
}
