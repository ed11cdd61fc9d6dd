// DNS-SD: a host shared on the LAN announces `_localdesk._tcp`; `localdesk discover` lists it
// with a URL that works. A host on loopback (the default) announces nothing.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, expect, it } from 'vitest';
import { runCli, startServe, type Running } from '../helpers/cli.ts';

const cleanup: (() => void)[] = [];
afterEach(() => {
  for (const step of cleanup.splice(0).reverse()) step();
});

function folder(): string {
  const dir = mkdtempSync(join(tmpdir(), 'localdesk-discover-'));
  cleanup.push(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

function serving(running: Running): Running {
  cleanup.push(() => void running.child.kill('SIGKILL'));
  return running;
}

it('finds a host shared on the LAN, by a URL that answers, and not one on loopback', async () => {
  const shared = serving(await startServe(folder(), {}, ['--host', '0.0.0.0']));
  const local = serving(await startServe(folder()));
  const sharedPort = new URL(shared.url).port;
  const localPort = new URL(local.url).port;

  const { code, stdout } = await runCli(['discover', '--seconds', '3']);
  expect(code).toBe(0);
  const urls = [...stdout.matchAll(/^ {2}(http:\/\/\S+)$/gm)].map((m) => m[1] as string);
  const mine = urls.filter((u) => new URL(u).port === sharedPort);
  expect(mine.length).toBeGreaterThan(0);
  expect(urls.some((u) => new URL(u).port === localPort)).toBe(false);
  const health = await fetch(`${mine[0]}/health`);
  expect(health.status).toBe(200);
  expect(stdout).toContain('localdesk serve --join <url> --pair');
});

it('refuses a wait it cannot use, naming the option', async () => {
  const bad = await runCli(['discover', '--seconds', 'soon']);
  expect(bad.code).toBe(2);
  expect(bad.stderr).toContain('--seconds must be between 0 and 60');
});
