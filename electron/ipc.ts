import type { IpcMain, IpcMainInvokeEvent } from 'electron';
import { channels } from './channels.ts';
import { sameOrigin } from './security.ts';

export interface IpcHandlers {
  appOrigin: () => string;
  getApiKey: () => string;
  getLanUrl: () => string | null;
}

/** Answers only the app's own page: any other frame asking for the key is refused. */
export function assertTrustedSender(event: IpcMainInvokeEvent, origin: string): void {
  const url = event.senderFrame?.url ?? '';
  if (!sameOrigin(url, origin)) throw new Error(`refused IPC from ${url || 'an unknown frame'}`);
}

export function registerIpc(ipcMain: IpcMain, handlers: IpcHandlers): void {
  ipcMain.handle(channels.getApiKey, (event) => {
    assertTrustedSender(event, handlers.appOrigin());
    return handlers.getApiKey();
  });
  ipcMain.handle(channels.getLanUrl, (event) => {
    assertTrustedSender(event, handlers.appOrigin());
    return handlers.getLanUrl();
  });
}
