// The data folder holds the database, its WAL, backups and import spools: everything in it is as
// sensitive as the data itself (API key hashes, webhook secrets, customers' messages). Folders are
// made 0700 and files 0600 explicitly, whatever the umask, and tightened again when found looser
// (a folder created by an older version, or by hand).
import { chmodSync, closeSync, existsSync, mkdirSync, openSync } from 'node:fs';

/** Creates `dir` (and its parents) if needed and makes it 0700. */
export function ensurePrivateDir(dir: string): void {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  chmodSync(dir, 0o700);
}

/**
 * Makes `file` 0600, creating it empty first when `create` is set. SQLite gives a database's
 * -wal and -shm files the mode of the database file, so a 0600 database keeps them private too.
 */
export function ensurePrivateFile(file: string, create = false): void {
  if (!existsSync(file)) {
    if (!create) return;
    closeSync(openSync(file, 'a', 0o600));
  }
  chmodSync(file, 0o600);
}
