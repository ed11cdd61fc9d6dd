// `npx tsx bench/unauthenticated.ts`: how much anonymous traffic costs the people with a key.
// Starts `localdesk serve` on a fresh data folder with 2,000 seeded tickets, measures the
// authenticated ticket list alone, then again while 20 connections without a key fetch the API
// reference's script bundle and the OpenAPI document as fast as they can. Prints both.
// BENCH_SECONDS (5) per measurement.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateApiKey } from '../server/domain/apiKeys/keys.ts';
import { runLoad } from './measure.ts';
import { cleanEnv, freePort, repoRoot, runNode, spawnNode, stop, waitFor200 } from './proc.ts';

const seconds = Number(process.env.BENCH_SECONDS ?? 5);
const dir = mkdtempSync(join(tmpdir(), 'localdesk-unauth-'));
const key = generateApiKey();
const cli = join(repoRoot, 'bin', 'localdesk.js');
const env = cleanEnv({ LOCALDESK_ADMIN_KEY: key, LOCALDESK_RATE_LIMIT: '1000000', LOCALDESK_LOG_LEVEL: 'silent' });

await runNode('seed', [cli, 'seed', '--tickets', '2000', '--data', dir], env);
const port = await freePort();
const server = spawnNode('serve', [cli, 'serve', '--data', dir, '--port', String(port)], env);
const url = `http://127.0.0.1:${port}`;
try {
  await waitFor200(server, `${url}/health`);
  const list = { url, method: 'GET' as const, headers: { 'X-API-Key': key }, paths: ['/api/v1/tickets?status=open&limit=50'] };
  await runLoad(list, 2, 10); // warm-up
  const alone = await runLoad(list, seconds, 10);
  const anonymous = runLoad(
    { url, method: 'GET', headers: {}, paths: ['/api/v1/docs/swagger-ui-bundle.js', '/api/v1/openapi.json'] },
    seconds + 1,
    20,
  );
  const crowded = await runLoad(list, seconds, 10);
  const anon = await anonymous;
  const statuses = Object.entries(anon.statuses).map(([code, n]) => `${code}: ${n}`).join(', ');
  process.stdout.write(
    `authenticated list alone:                      ${alone.reqPerSec.toFixed(0)} req/s, p99 ${alone.p99Ms.toFixed(1)} ms\n` +
      `authenticated list beside 20 anonymous conns:  ${crowded.reqPerSec.toFixed(0)} req/s, p99 ${crowded.p99Ms.toFixed(1)} ms\n` +
      `anonymous requests answered: ${anon.requests} (${statuses})\n`,
  );
} finally {
  await stop(server);
  rmSync(dir, { recursive: true, force: true });
}
