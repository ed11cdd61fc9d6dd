#!/usr/bin/env node
// The `localdesk` command. The sources are TypeScript run through tsx, so the CLI works right
// after `npm ci` with no build step.
import { register } from 'tsx/esm/api';

register();
const { main } = await import('../server/cli.ts');
process.exitCode = await main(process.argv.slice(2));
