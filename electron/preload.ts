// The renderer's only window into the desktop: two functions, no raw ipcRenderer.
import { contextBridge, ipcRenderer } from 'electron';
import type { LocalDeskBridge } from '../renderer/src/bridge.ts';
import { channels } from './channels.ts';

const bridge = {
  getApiKey: () => ipcRenderer.invoke(channels.getApiKey) as Promise<string>,
  getLanUrl: () => ipcRenderer.invoke(channels.getLanUrl) as Promise<string | null>,
} satisfies LocalDeskBridge;

contextBridge.exposeInMainWorld('localdesk', bridge);
