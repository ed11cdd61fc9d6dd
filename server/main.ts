// Entry point of the bundled CLI (dist/server/cli.js, built by server/build.ts).
import { main } from './cli.ts';

process.exitCode = await main(process.argv.slice(2));
