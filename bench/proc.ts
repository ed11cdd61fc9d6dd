// Child processes of the benchmark (the LocalDesk server, the reference servers, the seed
// command) and what we read about them: readiness, cold start, peak memory.
import { type ChildProcess, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { get } from 'node:http';
import { createServer } from 'node:net';
import { cpus, loadavg, totalmem } from 'node:os';
import { fileURLToPath } from 'node:url';

export const repoRoot = fileURLToPath(new URL('..', import.meta.url));

export interface Child {
  name: string;
  proc: ChildProcess;
  pid: number;
  /** The last lines the process wrote (stdout and stderr), for error messages. */
  output(): string;
}

/** A port nothing listens on right now (the OS picks it; another process could still take it). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

/** The environment without any LOCALDESK_ setting of the caller, plus these. */
export function cleanEnv(extra: Record<string, string>): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (!key.startsWith('LOCALDESK_')) env[key] = value;
  }
  return { ...env, ...extra };
}

/** Starts `node <args>` in the repository root. */
export function spawnNode(name: string, args: string[], env: NodeJS.ProcessEnv): Child {
  const proc = spawn(process.execPath, args, { cwd: repoRoot, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let tail = '';
  const keep = (chunk: Buffer) => {
    tail = (tail + chunk.toString('utf8')).slice(-8_000);
  };
  proc.stdout?.on('data', keep);
  proc.stderr?.on('data', keep);
  if (proc.pid === undefined) throw new Error(`could not start ${name}`);
  return { name, proc, pid: proc.pid, output: () => tail };
}

/** Runs `node <args>` to the end; rejects with its output when it fails. */
export function runNode(name: string, args: string[], env: NodeJS.ProcessEnv): Promise<string> {
  const child = spawnNode(name, args, env);
  return new Promise((resolve, reject) => {
    child.proc.once('error', reject);
    child.proc.once('exit', (code, signal) => {
      if (code === 0) resolve(child.output());
      else reject(new Error(`${name} failed (${signal ?? `exit ${code}`}):\n${child.output()}`));
    });
  });
}

function statusOf(url: string): Promise<number | null> {
  return new Promise((resolve) => {
    const req = get(url, { agent: false, timeout: 1_000 }, (res) => {
      res.resume();
      resolve(res.statusCode ?? null);
    });
    req.once('timeout', () => req.destroy());
    req.once('error', () => resolve(null));
  });
}

/**
 * Polls `url` until it answers 200 and returns when that happened (performance.now()); fails
 * when the process exits first or after `timeoutMs`.
 */
export async function waitFor200(child: Child, url: string, timeoutMs = 60_000): Promise<number> {
  const deadline = performance.now() + timeoutMs;
  while (performance.now() < deadline) {
    if (child.proc.exitCode !== null || child.proc.signalCode !== null) {
      throw new Error(`${child.name} exited before ${url} answered:\n${child.output()}`);
    }
    if ((await statusOf(url)) === 200) return performance.now();
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
  throw new Error(`${child.name}: no 200 from ${url} within ${timeoutMs} ms:\n${child.output()}`);
}

/** SIGTERM, then SIGKILL if the process is still there after `graceMs`. */
export async function stop(child: Child, graceMs = 5_000): Promise<void> {
  const { proc } = child;
  if (proc.exitCode !== null || proc.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => proc.once('exit', () => resolve()));
  proc.kill('SIGTERM');
  const timer = setTimeout(() => proc.kill('SIGKILL'), graceMs);
  await exited;
  clearTimeout(timer);
}

/** VmHWM (peak resident set) of a process in bytes; null where /proc is not available. */
export function peakRssBytes(pid: number): number | null {
  try {
    const match = /^VmHWM:\s+(\d+)\s+kB/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return match?.[1] ? Number(match[1]) * 1024 : null;
  } catch {
    return null;
  }
}

export function machineInfo() {
  const list = cpus();
  return {
    cpu: list[0]?.model.trim() ?? 'unknown',
    cores: list.length,
    memoryGb: Math.round(totalmem() / 2 ** 30),
    node: process.version,
    platform: `${process.platform} ${process.arch}`,
  };
}

/** The 1-minute load average: other work on the machine makes the numbers noisy. */
export function loadAverage(): number {
  return Number((loadavg()[0] ?? 0).toFixed(2));
}
