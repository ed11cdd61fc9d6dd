// `npm run dist`: installers for this platform. better-sqlite3 is rebuilt for Electron's ABI
// here, explicitly (never by npm ci), and rebuilt for Node again afterwards so `npm test` and
// the CLI keep working. Needs network access for Electron and its packager.
import { execSync } from 'node:child_process';

const run = (command: string) => execSync(command, { stdio: 'inherit' });

run('npm run build');
run('node --import tsx electron/build.ts');
try {
  run('npx --yes @electron/rebuild@4 --force --only better-sqlite3');
  run('npx --yes electron-builder@26 --config electron-builder.yml');
} finally {
  run('npm rebuild better-sqlite3');
}
