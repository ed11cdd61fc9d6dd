// Uploads a file to POST /api/v1/attachments as a raw body. XMLHttpRequest rather than fetch:
// only it reports upload progress.
import type { ApiClient } from '../api/client.ts';
import { ApiError } from '../api/client.ts';
import type { Attachment } from '../api/types.ts';

export interface Upload {
  done: Promise<Attachment>;
  abort: () => void;
}

export function uploadFile(api: ApiClient, file: File, onProgress: (fraction: number) => void): Upload {
  const xhr = new XMLHttpRequest();
  const done = new Promise<Attachment>((resolve, reject) => {
    xhr.open('POST', `${api.baseUrl}/api/v1/attachments?name=${encodeURIComponent(file.name || 'pasted-file')}`);
    const key = api.key;
    if (key) xhr.setRequestHeader('X-API-Key', key);
    // Signed in with a password, the cookie goes along; a write with it needs this header.
    xhr.setRequestHeader('X-LocalDesk-CSRF', '1');
    xhr.setRequestHeader('Content-Type', file.type || 'application/octet-stream');
    xhr.upload.onprogress = (e) => {
      if (e.lengthComputable) onProgress(e.loaded / e.total);
    };
    xhr.onload = () => {
      let body: { data?: Attachment; error?: { code: string; message: string } | null } = {};
      try {
        body = JSON.parse(xhr.responseText) as typeof body;
      } catch {
        // not JSON: reported below by status
      }
      if (xhr.status === 201 && body.data) resolve(body.data);
      else reject(new ApiError(xhr.status, body.error?.code ?? `HTTP_${xhr.status}`, body.error?.message ?? `Upload failed (${xhr.status})`));
    };
    xhr.onerror = () => reject(new ApiError(0, 'NETWORK', 'Could not reach the LocalDesk server.'));
    xhr.onabort = () => reject(new ApiError(0, 'ABORTED', 'Upload cancelled'));
    xhr.send(file);
  });
  return { done, abort: () => xhr.abort() };
}

/** Reads an attachment's bytes with the session's key (an <img> or a link cannot send it). */
export async function fetchAttachment(api: ApiClient, attachment: Attachment, download = false): Promise<Blob> {
  const headers: Record<string, string> = {};
  if (api.key) headers['X-API-Key'] = api.key;
  const res = await fetch(`${api.baseUrl}/api/v1/attachments/${attachment.id}/content${download ? '?download=1' : ''}`, { headers });
  if (!res.ok) throw new ApiError(res.status, `HTTP_${res.status}`, `Could not load ${attachment.name} (${res.status})`);
  return res.blob();
}

/** Saves an attachment through the browser's (or the desktop app's) download handling. */
export async function downloadAttachment(api: ApiClient, attachment: Attachment): Promise<void> {
  const url = URL.createObjectURL(await fetchAttachment(api, attachment, true));
  const link = document.createElement('a');
  link.href = url;
  link.download = attachment.name;
  link.rel = 'noopener';
  document.body.append(link);
  link.click();
  link.remove();
  // The download has taken the blob by the time the next tasks run.
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
}

export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(bytes < 10 * 1024 ? 1 : 0)} KB`;
  return `${(bytes / (1024 * 1024)).toFixed(1)} MB`;
}
