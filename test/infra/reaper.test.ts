// A test process that dies without stopping its servers must not leave them running.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { expect, test } from 'vitest';
import { liveProcesses, pollUntil, processAlive } from '../helpers/processes.ts';

interface Started {
  pgDir: string;
  pgPid: number;
  imapDir: string;
  imapPid: number;
}

test('servers of a SIGKILLed test process are stopped and their folders removed', async () => {
  const child = spawn(process.execPath, ['--import', 'tsx', fileURLToPath(new URL('./crashChild.ts', import.meta.url))], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const started = await pollUntil(
    () => {
      if (child.exitCode !== null) throw new Error(`child exited ${child.exitCode}: ${stderr}`);
      const line = stdout.split('\n').find((l) => l.startsWith('{'));
      return line ? (JSON.parse(line) as Started) : undefined;
    },
    { timeoutMs: 45_000, describe: () => `crash child did not start its servers: ${stderr}` },
  );
  expect(processAlive(started.pgPid)).toBe(true);
  expect(processAlive(started.imapPid)).toBe(true);
  expect(existsSync(started.pgDir) && existsSync(started.imapDir)).toBe(true);

  child.kill('SIGKILL');

  await pollUntil(
    () =>
      !processAlive(started.pgPid) &&
      liveProcesses((p) => p.pgid === started.imapPid || p.ppid === started.pgPid).length === 0 &&
      !existsSync(started.pgDir) &&
      !existsSync(started.imapDir),
    {
      timeoutMs: 20_000,
      describe: () =>
        `left behind: postgres ${processAlive(started.pgPid)}, dovecot ${processAlive(started.imapPid)}, ` +
        `folders ${existsSync(started.pgDir)} ${existsSync(started.imapDir)}`,
    },
  );
});
