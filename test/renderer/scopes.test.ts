import { describe, expect, it } from 'vitest';
import {
  describeScopes,
  grants,
  normalizeScopes,
  sameScopes,
  scopeGroups,
  scopeParts,
  scopePresets,
  toggleScope,
} from '../../renderer/src/settings/scopes.ts';

describe('normalizeScopes', () => {
  it('orders canonically and drops repeats', () => {
    expect(normalizeScopes(['tickets:write', 'tickets:read', 'tickets:read'])).toEqual(['tickets:read', 'tickets:write']);
  });

  it('lets admin stand alone for everything', () => {
    expect(normalizeScopes(['contacts:read', 'admin'])).toEqual(['admin']);
  });
});

describe('toggleScope', () => {
  it('checks the read scope along with a write scope', () => {
    expect(toggleScope([], 'tickets:write', true)).toEqual(['tickets:read', 'tickets:write']);
  });

  it('unchecks the write scope along with its read scope', () => {
    expect(toggleScope(['tickets:read', 'tickets:write', 'contacts:read'], 'tickets:read', false)).toEqual(['contacts:read']);
  });

  it('unchecks a write scope alone', () => {
    expect(toggleScope(['tickets:read', 'tickets:write'], 'tickets:write', false)).toEqual(['tickets:read']);
  });

  it('turns admin on and off as a whole', () => {
    expect(toggleScope(['tickets:read'], 'admin', true)).toEqual(['admin']);
    expect(toggleScope(['admin'], 'admin', false)).toEqual([]);
  });

  it('adds read-only scopes without touching others', () => {
    expect(toggleScope(['events:read'], 'analytics:read', true)).toEqual(['analytics:read', 'events:read']);
  });
});

describe('grants and sameScopes', () => {
  it('knows admin grants every scope', () => {
    expect(grants(['admin'], 'contacts:write')).toBe(true);
    expect(grants(['contacts:read'], 'contacts:write')).toBe(false);
    expect(grants(['contacts:read'], 'contacts:read')).toBe(true);
  });

  it('compares sets regardless of order', () => {
    expect(sameScopes(['contacts:read', 'tickets:read'], ['tickets:read', 'contacts:read'])).toBe(true);
    expect(sameScopes(['contacts:read'], ['contacts:read', 'tickets:read'])).toBe(false);
  });
});

describe('describeScopes', () => {
  it('summarises a key’s access in a line', () => {
    expect(describeScopes(['admin'])).toBe('Full access (admin)');
    expect(describeScopes(['tickets:read', 'tickets:write', 'contacts:read', 'analytics:read'])).toBe(
      'Tickets read/write · Contacts read · Analytics',
    );
    expect(describeScopes(['tickets:write'])).toBe('Tickets write');
    expect(describeScopes([])).toBe('No access');
  });
});

describe('scopeParts', () => {
  it('gives one phrase per resource, for chips', () => {
    expect(scopeParts(['contacts:read', 'events:read', 'conversations:write', 'conversations:read'])).toEqual([
      'Conversations read/write',
      'Contacts read',
      'Events',
    ]);
    expect(scopeParts([])).toEqual([]);
    expect(scopeParts(['admin', 'tickets:read'])).toEqual(['Full access (admin)']);
  });
});

describe('scopePresets', () => {
  it('are already normalized and never give write without read', () => {
    for (const preset of scopePresets) {
      expect(normalizeScopes(preset.scopes)).toEqual(preset.scopes);
      for (const group of scopeGroups) {
        if (group.write && preset.scopes.includes(group.write)) expect(preset.scopes).toContain(group.read);
      }
    }
  });
});
