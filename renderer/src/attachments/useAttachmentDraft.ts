// The files being attached to a message that is still being written: each uploads as soon as
// it is added (so sending waits only for what is still on its way), can be removed, and
// leaves its attachment id for the message.
import { useCallback, useEffect, useRef, useState } from 'react';
import type { Attachment } from '../api/types.ts';
import { useSession } from '../app/context.tsx';
import { uploadFile } from './upload.ts';

export interface DraftFile {
  key: string;
  name: string;
  size: number;
  /** 0..1 while uploading. */
  progress: number;
  status: 'uploading' | 'done' | 'failed';
  attachment?: Attachment;
  error?: string;
  /** A local preview of an image (an object URL), shown in the chip. */
  preview?: string;
}

export interface AttachmentDraft {
  files: readonly DraftFile[];
  add: (files: readonly File[]) => void;
  remove: (key: string) => void;
  clear: () => void;
  /** Puts already uploaded files back (a send that was undone). */
  restore: (attachments: readonly Attachment[]) => void;
  /** Ids of the uploaded files, in the order added. */
  ids: string[];
  /** The uploaded files themselves, in the order added. */
  uploaded: Attachment[];
  /** Some file is still uploading: sending must wait. */
  busy: boolean;
  /** Some file failed: remove it before sending. */
  failed: boolean;
}

let counter = 0;

export function useAttachmentDraft(): AttachmentDraft {
  const { api } = useSession();
  const [files, setFiles] = useState<DraftFile[]>([]);
  const aborts = useRef(new Map<string, () => void>());

  const patch = useCallback((key: string, change: Partial<DraftFile>) => {
    setFiles((list) => list.map((f) => (f.key === key ? { ...f, ...change } : f)));
  }, []);

  const add = useCallback(
    (added: readonly File[]) => {
      const fresh = added.map((file) => ({
        file,
        entry: {
          key: `f${++counter}`,
          name: file.name || 'pasted-file',
          size: file.size,
          progress: 0,
          status: 'uploading' as const,
          preview: file.type.startsWith('image/') ? URL.createObjectURL(file) : undefined,
        },
      }));
      setFiles((list) => [...list, ...fresh.map((f) => f.entry)]);
      for (const { file, entry } of fresh) {
        const upload = uploadFile(api, file, (progress) => patch(entry.key, { progress }));
        aborts.current.set(entry.key, upload.abort);
        upload.done.then(
          (attachment) => patch(entry.key, { status: 'done', progress: 1, attachment }),
          (err: Error) => patch(entry.key, { status: 'failed', error: err.message }),
        ).finally(() => aborts.current.delete(entry.key));
      }
    },
    [api, patch],
  );

  const remove = useCallback((key: string) => {
    aborts.current.get(key)?.();
    setFiles((list) => {
      const gone = list.find((f) => f.key === key);
      if (gone?.preview) URL.revokeObjectURL(gone.preview);
      return list.filter((f) => f.key !== key);
    });
  }, []);

  const clear = useCallback(() => {
    setFiles((list) => {
      for (const f of list) if (f.preview) URL.revokeObjectURL(f.preview);
      return [];
    });
  }, []);

  const restore = useCallback((attachments: readonly Attachment[]) => {
    const back = attachments.map((attachment) => ({
      key: `f${++counter}`,
      name: attachment.name,
      size: attachment.size,
      progress: 1,
      status: 'done' as const,
      attachment,
    }));
    setFiles((list) => [...list, ...back]);
  }, []);

  // Leaving the composer abandons uploads still on their way (the server expires the rest).
  useEffect(() => () => aborts.current.forEach((abort) => abort()), []);

  return {
    files,
    add,
    remove,
    clear,
    restore,
    ids: files.flatMap((f) => (f.attachment ? [f.attachment.id] : [])),
    uploaded: files.flatMap((f) => (f.attachment ? [f.attachment] : [])),
    busy: files.some((f) => f.status === 'uploading'),
    failed: files.some((f) => f.status === 'failed'),
  };
}
