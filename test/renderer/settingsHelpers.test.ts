import { describe, expect, it } from 'vitest';
import { isLoopback } from '../../renderer/src/settings/lan.ts';
import { eventFamilies, eventsFrom } from '../../renderer/src/settings/webhookEvents.ts';

describe('isLoopback', () => {
  it('knows the addresses that only reach this machine', () => {
    for (const host of ['localhost', 'LOCALHOST', '127.0.0.1', '127.1.2.3', '[::1]']) expect(isLoopback(host)).toBe(true);
    for (const host of ['192.168.1.20', 'desk.local', '10.0.0.5']) expect(isLoopback(host)).toBe(false);
  });
});

describe('eventsFrom', () => {
  it('sends * alone when everything is chosen', () => {
    expect(eventsFrom(true, ['ticket.*'], 'custom.a')).toEqual(['*']);
  });

  it('joins the checked families and the typed types, without repeats', () => {
    expect(eventsFrom(false, ['ticket.*'], 'custom.a, ticket.*  contact.created')).toEqual(['ticket.*', 'custom.a', 'contact.created']);
    expect(eventsFrom(false, [], '')).toEqual([]);
  });

  it('offers only family patterns', () => {
    for (const family of eventFamilies) expect(family.pattern).toMatch(/^[a-z]+\.\*$/);
  });
});
