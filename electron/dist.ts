// `npm run dist`: installers for this platform. better-sqlite3 is rebuilt for Electron's ABI
// here, explicitly (never by npm ci), and rebuilt for Node again afterwards so `npm test` and
// the CLI keep working. Needs network access for Electron and its packager. The fuses
// (fuses.ts) are flipped by electron-builder from the configuration written here.
import { execSync } from 'node:child_process';
import { writeBuilderConfig } from './fuses.ts';

const run = (command: string) => execSync(command, { stdio: 'inherit' });

run('npm run build');
run('node --import tsx electron/build.ts');
const config = writeBuilderConfig('dist/electron-builder.json');
try {
  run('npx --yes @electron/rebuild@4 --force --only better-sqlite3');
  run(`npx --yes electron-builder@26 --config ${config}`);
} finally {
  run('npm rebuild better-sqlite3');
}
