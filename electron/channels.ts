/** IPC channel names shared by the main process and the preload script. */
export const channels = {
  getApiKey: 'localdesk:get-api-key',
  getLanUrl: 'localdesk:get-lan-url',
} as const;
