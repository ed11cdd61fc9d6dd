// Who an internal note mentions. Pure: the server notifies the people named, the composer can
// suggest the same handles. A mention is `@` followed by a handle (letters, digits, `.`, `_`,
// `-`), at the start of the text or after a space or punctuation (so `ada@example.com` is not
// one). A handle names a user when it equals, ignoring case:
// - the local part of their e-mail address (`@ada` for ada@example.com), or
// - their name without spaces (`@AdaLovelace`), or
// - their first name (`@Ada`), when no other user has the same first name.

export interface Mentionable {
  id: string;
  name: string;
  email: string;
}

const mentionPattern = /(?:^|[^\p{L}\p{N}._@-])@([\p{L}\p{N}][\p{L}\p{N}._-]*)/gu;

/** The handles written in a text (`@ada.` gives `ada`), lower-case, each once. */
export function mentionHandles(text: string): string[] {
  const out = new Set<string>();
  for (const match of text.matchAll(mentionPattern)) {
    const handle = (match[1] ?? '').replace(/[._-]+$/, '').toLowerCase();
    if (handle) out.add(handle);
  }
  return [...out];
}

/** The handles a user answers to, lower-case (the first name only when nobody shares it). */
export function handlesOf(user: Mentionable, everyone: readonly Mentionable[]): string[] {
  const local = user.email.split('@')[0]?.toLowerCase() ?? '';
  const joined = user.name.replace(/\s+/g, '').toLowerCase();
  const first = user.name.trim().split(/\s+/)[0]?.toLowerCase() ?? '';
  const handles = [local, joined];
  const shared = everyone.some((other) => other.id !== user.id && other.name.trim().split(/\s+/)[0]?.toLowerCase() === first);
  if (first && !shared) handles.push(first);
  return [...new Set(handles.filter(Boolean))];
}

/** The users a text mentions, in the order given. */
export function mentionedUsers<T extends Mentionable>(text: string, users: readonly T[]): T[] {
  const handles = new Set(mentionHandles(text));
  if (handles.size === 0) return [];
  return users.filter((user) => handlesOf(user, users).some((h) => handles.has(h)));
}
