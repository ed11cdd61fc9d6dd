// Live messages that are not events (presence, notifications), from the one event stream the app
// keeps open, to whichever parts of the UI listen for them.
type Listener = (data: unknown) => void;

const listeners = new Map<string, Set<Listener>>();

export function publishLive(type: string, data: unknown): void {
  for (const listener of listeners.get(type) ?? []) listener(data);
}

export function onLive(type: string, listener: Listener): () => void {
  let set = listeners.get(type);
  if (!set) {
    set = new Set();
    listeners.set(type, set);
  }
  set.add(listener);
  return () => set.delete(listener);
}
