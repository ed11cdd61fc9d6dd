// The files of a message in the thread: safe images as thumbnails that open a lightbox, every
// other file as a download. The bytes are fetched with the session's key (an <img> or a plain
// link could not send it) and shown from a blob URL.
import { useEffect, useState } from 'react';
import { inlineImageTypes } from '../../../common/rules/attachments.ts';
import type { Attachment } from '../api/types.ts';
import { useSession } from '../app/context.tsx';
import { Dialog } from '../components/Dialog.tsx';
import { toast } from '../components/toast.tsx';
import { downloadAttachment, fetchAttachment, formatBytes } from './upload.ts';
import './attachments.css';

function useBlobUrl(attachment: Attachment): string | null {
  const { api } = useSession();
  const [url, setUrl] = useState<string | null>(null);
  useEffect(() => {
    let current: string | null = null;
    let live = true;
    fetchAttachment(api, attachment).then(
      (blob) => {
        if (!live) return;
        current = URL.createObjectURL(blob);
        setUrl(current);
      },
      () => undefined, // the tile stays a plain download
    );
    return () => {
      live = false;
      if (current) URL.revokeObjectURL(current);
    };
  }, [api, attachment]);
  return url;
}

function Thumbnail({ attachment, onOpen }: { attachment: Attachment; onOpen: (url: string) => void }) {
  const url = useBlobUrl(attachment);
  return (
    <button type="button" className="attach-thumb" aria-label={`View ${attachment.name}`} disabled={!url} onClick={() => url && onOpen(url)}>
      {url ? <img src={url} alt={attachment.name} /> : <span className="attach-thumb-wait" />}
    </button>
  );
}

export function MessageAttachments({ attachments }: { attachments: readonly Attachment[] }) {
  const { api } = useSession();
  const [open, setOpen] = useState<{ attachment: Attachment; url: string } | null>(null);
  if (attachments.length === 0) return null;
  const images = attachments.filter((a) => inlineImageTypes.includes(a.contentType));
  const others = attachments.filter((a) => !inlineImageTypes.includes(a.contentType));
  const download = (a: Attachment) =>
    void downloadAttachment(api, a).catch((err: Error) => toast(`Could not download ${a.name}: ${err.message}`, 'error'));
  return (
    <div className="msg-attachments" aria-label="Attachments">
      {images.length > 0 ? (
        <div className="attach-thumbs">
          {images.map((a) => (
            <Thumbnail key={a.id} attachment={a} onOpen={(url) => setOpen({ attachment: a, url })} />
          ))}
        </div>
      ) : null}
      {others.length > 0 ? (
        <ul className="attach-files">
          {others.map((a) => (
            <li key={a.id}>
              <button type="button" className="attach-download" aria-label={`Download ${a.name}`} onClick={() => download(a)}>
                <span className="attach-chip-name">{a.name}</span>
                <span className="muted small">{formatBytes(a.size)}</span>
              </button>
            </li>
          ))}
        </ul>
      ) : null}
      {open ? (
        <Dialog
          title={open.attachment.name}
          onClose={() => setOpen(null)}
          size="large"
          className="attach-lightbox"
          footer={
            <button type="button" onClick={() => download(open.attachment)}>
              Download
            </button>
          }
        >
          <img src={open.url} alt={open.attachment.name} className="attach-lightbox-img" />
        </Dialog>
      ) : null}
    </div>
  );
}
