import { homedir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../server/core/config.ts';

describe('loadConfig', () => {
  it('defaults to loopback, port 4870, ~/.localdesk and 100 requests a minute', () => {
    const config = loadConfig({});
    expect(config).toMatchObject({
      host: '127.0.0.1',
      port: 4870,
      dataDir: join(homedir(), '.localdesk'),
      rateLimitPerMinute: 100,
      corsOrigins: [],
      allowedHosts: [],
      adminKey: null,
    });
    expect(Object.isFrozen(config)).toBe(true);
  });

  it('reads every LOCALDESK_ variable, and flags win over them', () => {
    const config = loadConfig(
      {
        LOCALDESK_DATA: '/srv/desk',
        LOCALDESK_HOST: '0.0.0.0',
        LOCALDESK_PORT: '8080',
        LOCALDESK_ALLOWED_HOSTS: 'desk.office, helpdesk.lan',
        LOCALDESK_CORS_ORIGINS: 'https://www.example.com/, http://localhost:5173',
        LOCALDESK_RATE_LIMIT: '600',
        LOCALDESK_ADMIN_KEY: `ldk_${'A'.repeat(40)}`,
      },
      { port: 9000 },
    );
    expect(config).toMatchObject({
      dataDir: '/srv/desk',
      host: '0.0.0.0',
      port: 9000,
      allowedHosts: ['desk.office', 'helpdesk.lan'],
      corsOrigins: ['https://www.example.com', 'http://localhost:5173'],
      rateLimitPerMinute: 600,
      adminKey: `ldk_${'A'.repeat(40)}`,
    });
  });

  it('fails fast naming each wrong variable', () => {
    const load = () =>
      loadConfig({
        LOCALDESK_PORT: '70000',
        LOCALDESK_RATE_LIMIT: 'lots',
        LOCALDESK_ADMIN_KEY: 'secret',
        LOCALDESK_CORS_ORIGINS: 'ftp://files.example',
      });
    expect(load).toThrow(ConfigError);
    try {
      load();
    } catch (err) {
      const message = (err as Error).message;
      for (const name of ['LOCALDESK_PORT', 'LOCALDESK_RATE_LIMIT', 'LOCALDESK_ADMIN_KEY', 'LOCALDESK_CORS_ORIGINS']) {
        expect(message).toContain(name);
      }
    }
  });

  it('reads the mail settings in seconds and megabytes, and names a wrong one', () => {
    const config = loadConfig({
      LOCALDESK_MAIL_POLL_SECONDS: '30',
      LOCALDESK_MAIL_TIMEOUT_SECONDS: '20',
      LOCALDESK_MAIL_SEND_RETRY_SECONDS: '5',
      LOCALDESK_MAIL_MAX_MESSAGE_MB: '10',
      LOCALDESK_MAIL_FIRST_SYNC_DAYS: '0',
    });
    expect(config).toMatchObject({
      mailPollMs: 30_000,
      mailTimeoutMs: 20_000,
      mailSendBackoffBaseMs: 5_000,
      mailMaxMessageBytes: 10 * 1024 * 1024,
      mailFirstSyncDays: 0,
    });
    expect(() => loadConfig({ LOCALDESK_MAIL_POLL_SECONDS: '0' })).toThrow(/LOCALDESK_MAIL_POLL_SECONDS/);
    expect(() => loadConfig({ LOCALDESK_MAIL_MAX_MESSAGE_MB: 'big' })).toThrow(/LOCALDESK_MAIL_MAX_MESSAGE_MB/);
  });

  it('refuses a PostgreSQL pool too small for the background followers and the requests beside them', () => {
    expect(() => loadConfig({ LOCALDESK_DATABASE_POOL_SIZE: '4' })).toThrow(/LOCALDESK_DATABASE_POOL_SIZE/);
    expect(loadConfig({ LOCALDESK_DATABASE_POOL_SIZE: '8' }).databasePoolSize).toBe(8);
  });
});
