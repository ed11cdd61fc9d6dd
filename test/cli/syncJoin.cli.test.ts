// `localdesk serve --join URL --pair CODE` refusing what it cannot do, each with its reason and
// without spending the code: flags that do not go together, a URL that is not one, a host that
// does not answer, and a data folder that already holds a desk of its own.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, expect, it } from 'vitest';
import { runCli, startServe } from '../helpers/cli.ts';
import { freePort } from '../helpers/processes.ts';
import { pairingCode } from '../helpers/replica.ts';
import { startTestServer } from '../helpers/server.ts';

const cleanup: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const step of cleanup.splice(0).reverse()) await step();
});

function folder(): string {
  const dir = mkdtempSync(join(tmpdir(), 'localdesk-join-'));
  cleanup.push(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

it('names what is wrong with the flags, the URL and an unreachable host', async () => {
  const alone = await runCli(['serve', '--data', folder(), '--join', 'http://127.0.0.1:1']);
  expect(alone.code).toBe(2);
  expect(alone.stderr).toContain('--join URL and --pair CODE go together');

  const notUrl = await runCli(['serve', '--data', folder(), '--join', 'desk.lan', '--pair', 'ABCD-EFGH']);
  expect(notUrl.code).toBe(2);
  expect(notUrl.stderr).toContain("--join needs the host's URL (http://host:port), got desk.lan");

  const closed = await freePort();
  const gone = await runCli(['serve', '--data', folder(), '--port', '0', '--join', `http://127.0.0.1:${closed}`, '--pair', 'ABCD-EFGH']);
  expect(gone.code).toBe(2);
  expect(gone.stderr).toContain(`cannot reach http://127.0.0.1:${closed}`);
});

it('refuses a folder that holds a desk of its own, and leaves the code unused', async () => {
  const host = await startTestServer();
  cleanup.push(() => host.close());
  const dir = folder();
  const own = await startServe(dir);
  own.child.kill('SIGTERM');
  await own.exited;

  const code = await pairingCode(host);
  const refused = await runCli(['serve', '--data', dir, '--port', '0', '--join', host.url, '--pair', code]);
  expect(refused.code).toBe(2);
  expect(refused.stderr).toContain('already holds a desk of its own; joining a host needs an empty data folder');
  // The code was not spent on the refusal.
  const pair = await host.api.post('/sync/pair', { code, name: 'another' }, { key: null });
  expect(pair.status).toBe(201);
});
