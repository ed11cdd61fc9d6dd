// Where files are dropped or pasted into a message being written, with an "Attach files"
// button for the rest, and the chips of what is attached (progress, remove).
import { type ClipboardEvent, type DragEvent, type ReactNode, useRef, useState } from 'react';
import { formatBytes } from './upload.ts';
import type { AttachmentDraft } from './useAttachmentDraft.ts';
import './attachments.css';

function filesOf(data: DataTransfer | null): File[] {
  if (!data) return [];
  if (data.files.length > 0) return [...data.files];
  return [...data.items].flatMap((item) => {
    const file = item.kind === 'file' ? item.getAsFile() : null;
    return file ? [file] : [];
  });
}

/** Wraps the message field: drop files on it, or paste a screenshot into it. */
export function AttachmentZone({ draft, children }: { draft: AttachmentDraft; children: ReactNode }) {
  const [over, setOver] = useState(false);
  const onDragOver = (e: DragEvent) => {
    if (![...e.dataTransfer.types].includes('Files')) return;
    e.preventDefault();
    e.dataTransfer.dropEffect = 'copy';
    setOver(true);
  };
  const onDrop = (e: DragEvent) => {
    const files = filesOf(e.dataTransfer);
    setOver(false);
    if (files.length === 0) return;
    e.preventDefault();
    draft.add(files);
  };
  const onPaste = (e: ClipboardEvent) => {
    const files = filesOf(e.clipboardData);
    if (files.length === 0) return; // text pastes as text
    e.preventDefault();
    draft.add(files);
  };
  return (
    <div
      className={`attach-zone${over ? ' over' : ''}`}
      data-testid="attach-zone"
      onDragOver={onDragOver}
      onDragLeave={() => setOver(false)}
      onDrop={onDrop}
      onPaste={onPaste}
    >
      {children}
      {over ? <div className="attach-zone-hint" aria-hidden="true">Drop files to attach</div> : null}
    </div>
  );
}

/** The attached files as chips, and the button that picks more. */
export function AttachmentChips({ draft }: { draft: AttachmentDraft }) {
  const input = useRef<HTMLInputElement>(null);
  return (
    <div className="attach-bar">
      <button type="button" className="attach-pick" onClick={() => input.current?.click()}>
        Attach files
      </button>
      <input
        ref={input}
        type="file"
        multiple
        hidden
        aria-label="Attach files"
        onChange={(e) => {
          draft.add([...(e.target.files ?? [])]);
          e.target.value = '';
        }}
      />
      {draft.files.length > 0 ? (
        <ul className="attach-chips" aria-label="Attached files">
          {draft.files.map((f) => (
            <li key={f.key} className={`attach-chip ${f.status}`} title={f.error ?? f.name}>
              {f.preview ? <img src={f.preview} alt="" className="attach-chip-thumb" /> : null}
              <span className="attach-chip-name">{f.name}</span>
              <span className="attach-chip-size muted small">
                {f.status === 'uploading' ? `${Math.round(f.progress * 100)}%` : f.status === 'failed' ? 'failed' : formatBytes(f.size)}
              </span>
              {f.status === 'uploading' ? (
                <progress className="attach-progress" max={1} value={f.progress} aria-label={`Uploading ${f.name}`} />
              ) : null}
              <button type="button" className="attach-chip-remove" aria-label={`Remove ${f.name}`} onClick={() => draft.remove(f.key)}>
                ×
              </button>
            </li>
          ))}
        </ul>
      ) : null}
    </div>
  );
}
