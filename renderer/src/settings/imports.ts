// Import jobs for Settings → Import: the list (polled while a job runs), uploading a CSV file
// (a raw body, which the JSON client does not send), starting and cancelling.
import { useQuery } from '@tanstack/react-query';
import { importActive } from '../../../common/rules/imports.ts';
import { useSession } from '../app/context.tsx';
import { type ApiClient, ApiError } from '../api/client.ts';
import type { ImportFile, ImportJob } from '../api/types.ts';

export const importKeys = { list: ['imports'] } as const;

/** The newest jobs; refreshed every second while one is queued or running. */
export function useImports() {
  const { api } = useSession();
  return useQuery({
    queryKey: importKeys.list,
    queryFn: async ({ signal }) => (await api.get<ImportJob[]>('/imports', { query: { limit: 20 }, signal })).data,
    refetchInterval: (query) => (query.state.data?.some((job) => importActive(job.status)) ? 1000 : false),
  });
}

/** Streams the file to POST /imports/files; the answer has its header for the mapping. */
export async function uploadCsv(api: ApiClient, file: File): Promise<ImportFile> {
  // The CSRF header lets a signed-in admin's session cookie make this write too.
  const headers: Record<string, string> = { Accept: 'application/json', 'Content-Type': 'text/csv', 'X-LocalDesk-CSRF': '1' };
  if (api.key) headers['X-API-Key'] = api.key;
  let res: Response;
  try {
    // The file's own modification time dates the tickets of a file without a created column.
    const query = `name=${encodeURIComponent(file.name)}&modifiedAt=${encodeURIComponent(new Date(file.lastModified).toISOString())}`;
    res = await fetch(`${api.baseUrl}/api/v1/imports/files?${query}`, { method: 'POST', headers, body: file });
  } catch {
    throw new ApiError(0, 'NETWORK', 'Could not reach the LocalDesk server.');
  }
  const body = (await res.json().catch(() => null)) as { data: ImportFile; error: { code: string; message: string; details?: Record<string, unknown> } | null } | null;
  if (!res.ok || !body || body.error) {
    throw new ApiError(res.status, body?.error?.code ?? `HTTP_${res.status}`, body?.error?.message ?? `Upload failed: ${res.status}`, body?.error?.details ?? null);
  }
  return body.data;
}

export const sourceLabels = { zendesk: 'Zendesk', freshdesk: 'Freshdesk', helpscout: 'Help Scout', csv: 'CSV file' } as const;
