// Shared plumbing for the helpers that run real servers as child processes (dovecot.ts,
// postgres.ts): a free loopback port, waiting for a condition, a file's tail for error
// messages, and a reaper that cleans up after a test process that died without stopping them.
import { spawn } from 'node:child_process';
import { accessSync, constants, readdirSync, readFileSync, statfsSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import type { Writable } from 'node:stream';

/**
 * A TCP port on 127.0.0.1 that was free a moment ago (the kernel picked it for a bind to
 * port 0). Another process can take it before the server binds it, so callers that pass it to
 * a server retry with a new one when the server reports the address in use.
 */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => (port > 0 ? resolve(port) : reject(new Error('no port from bind(0)'))));
    });
  });
}

/**
 * Where to put throwaway server data: /dev/shm (RAM) when it is writable with at least 1 GiB
 * free, else the OS temp dir. On this kind of VM the disk is slow for bursts of small files —
 * copying a 38 MB PostgreSQL data directory takes 0.2-1 s on disk and ~0.08 s in RAM.
 */
export function scratchRoot(): string {
  try {
    accessSync('/dev/shm', constants.W_OK);
    const fs = statfsSync('/dev/shm');
    if (fs.bavail * fs.bsize >= 1024 ** 3) return '/dev/shm';
  } catch {
    // no /dev/shm (not Linux) or not usable
  }
  return tmpdir();
}

/**
 * Polls `check` until it returns something other than undefined/false, or throws when
 * `timeoutMs` passes, with `describe()` in the message. `check` may throw to mean "not yet".
 */
export async function pollUntil<T>(
  check: () => Promise<T | undefined | false> | T | undefined | false,
  options: { timeoutMs: number; intervalMs?: number; describe: () => string },
): Promise<T> {
  const deadline = Date.now() + options.timeoutMs;
  let lastError: unknown;
  for (;;) {
    try {
      const value = await check();
      if (value !== undefined && value !== false) return value;
    } catch (error) {
      lastError = error;
    }
    if (Date.now() >= deadline) {
      const cause = lastError instanceof Error ? ` (last error: ${lastError.message})` : '';
      throw new Error(`${options.describe()}${cause}`);
    }
    await new Promise((r) => setTimeout(r, options.intervalMs ?? 50));
  }
}

/** The last `lines` lines of a text file, or a note that it cannot be read. */
export function tailOf(path: string, lines = 30): string {
  try {
    const text = readFileSync(path, 'utf8').trimEnd();
    return text.split('\n').slice(-lines).join('\n') || '(empty)';
  } catch (error) {
    return `(cannot read ${path}: ${(error as Error).message})`;
  }
}

export interface Reaper {
  /** The cleanup ran in-process: tell the reaper to exit without running its script. */
  disarm(): void;
}

/**
 * Starts a detached `/bin/sh` that waits for its stdin to close and then runs `script` (with
 * `args` as $1, $2, ...). The test process holds the write end of that pipe, and the kernel
 * closes it however the process ends — normal exit, an uncaught error, or SIGKILL — so servers
 * started by a test run never outlive it by more than the script's run time. The reaper is in
 * its own session (no SIGINT from a terminal's Ctrl+C) and does not keep the event loop alive.
 */
export function startReaper(script: string, args: string[]): Reaper {
  const child = spawn(
    '/bin/sh',
    ['-c', `trap '' INT HUP; read -r line; [ "$line" = disarm ] && exit 0; ${script}`, 'reaper', ...args],
    { detached: true, stdio: ['pipe', 'ignore', 'ignore'] },
  );
  child.on('error', () => {});
  const stdin = child.stdin as Writable & { unref?: () => void };
  stdin.on('error', () => {});
  stdin.unref?.();
  child.unref();
  let done = false;
  return {
    disarm() {
      if (done) return;
      done = true;
      stdin.end('disarm\n');
    },
  };
}

export interface ProcessInfo {
  pid: number;
  ppid: number;
  pgid: number;
  /** One letter from /proc/<pid>/stat: R running, S sleeping, T stopped, Z zombie, ... */
  state: string;
}

function readStat(pid: number): ProcessInfo | null {
  let stat: string;
  try {
    stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return null;
  }
  // "pid (comm) state ppid pgrp ..." — comm may itself contain spaces and parentheses.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return { pid, state: fields[0] ?? '?', ppid: Number(fields[1]), pgid: Number(fields[2]) };
}

/**
 * Live (not zombie) processes matching `filter`, from /proc. Zombies count as gone: a
 * daemon's exited children are reparented to PID 1, and on some machines (this one's init)
 * PID 1 reaps them only every second or so, so `kill(pid, 0)` would still succeed.
 */
export function liveProcesses(filter: (info: ProcessInfo) => boolean): ProcessInfo[] {
  const found: ProcessInfo[] = [];
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    const info = readStat(Number(name));
    if (info && info.state !== 'Z' && info.state !== 'X' && filter(info)) found.push(info);
  }
  return found;
}

/** Whether `pid` is a live (not zombie) process. */
export function processAlive(pid: number): boolean {
  const info = readStat(pid);
  return info !== null && info.state !== 'Z' && info.state !== 'X';
}
