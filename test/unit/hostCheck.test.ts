import { hostname } from 'node:os';
import { describe, expect, it } from 'vitest';
import { hostPolicy, isHostAllowed } from '../../server/http/middleware/hostCheck.ts';

describe('Host check (DNS-rebinding defence)', () => {
  it('bound to loopback, accepts only loopback names, with any port', () => {
    const policy = hostPolicy('127.0.0.1', []);
    for (const ok of ['localhost:4870', '127.0.0.1:4870', '[::1]:4870', 'LOCALHOST', '127.0.0.1']) {
      expect(isHostAllowed(ok, policy), ok).toBe(true);
    }
    for (const bad of ['evil.example:4870', '192.168.1.5:4870', '', 'localhost.evil.com', 'user@localhost', 'localhost/x']) {
      expect(isHostAllowed(bad, policy), bad).toBe(false);
    }
  });

  it('accepts the address it is bound to', () => {
    expect(isHostAllowed('127.0.0.2:4870', hostPolicy('127.0.0.2', []))).toBe(true);
    expect(isHostAllowed('127.0.0.3:4870', hostPolicy('127.0.0.2', []))).toBe(false);
  });

  it('bound to loopback, also accepts names the operator configured', () => {
    const policy = hostPolicy('127.0.0.1', ['desk.internal']);
    expect(isHostAllowed('desk.internal:4870', policy)).toBe(true);
    expect(isHostAllowed('other.internal:4870', policy)).toBe(false);
  });

  it('in LAN mode, accepts IP literals, this machine and configured names, but not foreign names', () => {
    const policy = hostPolicy('0.0.0.0', ['helpdesk.office']);
    for (const ok of ['192.168.1.5:4870', '10.0.0.7', '[fe80::1]:4870', 'helpdesk.office:4870', `${hostname()}:4870`, 'localhost:4870']) {
      expect(isHostAllowed(ok, policy), ok).toBe(true);
    }
    expect(isHostAllowed('attacker.example:4870', policy)).toBe(false);
  });
});
