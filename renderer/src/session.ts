// The API key lives in localStorage only when the user asked to be remembered on this device;
// otherwise in sessionStorage, which the browser drops when the tab closes.
const KEY = 'localdesk.apiKey';

export function loadKey(): { apiKey: string; remember: boolean } | null {
  const remembered = localStorage.getItem(KEY);
  if (remembered) return { apiKey: remembered, remember: true };
  const session = sessionStorage.getItem(KEY);
  return session ? { apiKey: session, remember: false } : null;
}

export function saveKey(apiKey: string, remember: boolean): void {
  clearKey();
  (remember ? localStorage : sessionStorage).setItem(KEY, apiKey);
}

export function clearKey(): void {
  localStorage.removeItem(KEY);
  sessionStorage.removeItem(KEY);
}
