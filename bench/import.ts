// The import's throughput: writes a CSV export of BENCH_IMPORT_TICKETS tickets (default 100,000;
// one row per message, BENCH_IMPORT_MESSAGES per ticket, default 3: the customer's question, an
// agent's reply, an internal note), imports it with the real command into an empty data folder,
// and prints what the command printed, its rate included. `npm run bench:import`.
import { createWriteStream, existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { once } from 'node:events';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const tickets = Number(process.env.BENCH_IMPORT_TICKETS ?? 100_000);
const perTicket = Number(process.env.BENCH_IMPORT_MESSAGES ?? 3);
const dataRoot = process.env.BENCH_DATA ?? fileURLToPath(new URL('./data', import.meta.url));
const root = fileURLToPath(new URL('..', import.meta.url));

const words = ['printer', 'invoice', 'login', 'refund', 'shipping', 'password', 'export', 'calendar', 'mobile', 'webhook', 'billing', 'account', 'order', 'crash', 'sync'];
const statuses = ['New', 'Open', 'Pending', 'Solved', 'Closed'];
const priorities = ['Low', 'Normal', 'High', 'Urgent'];
const pick = <T>(items: readonly T[], n: number) => items[n % items.length] as T;
const quote = (s: string) => (/[",\n]/.test(s) ? `"${s.replaceAll('"', '""')}"` : s);
const iso = (ms: number) => new Date(ms).toISOString();

async function writeCsv(file: string): Promise<void> {
  const out = createWriteStream(file);
  const write = async (line: string) => {
    if (!out.write(line)) await once(out, 'drain');
  };
  await write('id,subject,status,priority,tags,requester,requester_name,company,assignee,created,updated,body,author,internal,at\n');
  const start = Date.parse('2021-01-01T00:00:00Z');
  for (let i = 0; i < tickets; i++) {
    const created = start + i * 600_000;
    const customer = i % 20_000;
    const email = `customer${customer}@example${customer % 500}.com`;
    const agent = `agent${i % 25}@desk.example`;
    const subject = `${pick(words, i)} ${pick(words, i * 7 + 3)} problem #${i}`;
    const head = [`T${i}`, subject, pick(statuses, i), pick(priorities, i * 3), `${pick(words, i)},${pick(words, i + 5)}`, email, `Customer ${customer}`, `Company ${customer % 500}`, agent, iso(created), iso(created + perTicket * 3_600_000)].map(quote).join(',');
    for (let m = 0; m < perTicket; m++) {
      const fromCustomer = m % 3 === 0;
      const internal = m % 3 === 2;
      const body = fromCustomer
        ? `Hello, since this morning the ${pick(words, i + m)} does not work. We tried again and it still fails.\nRegards, Customer ${customer}`
        : internal
          ? `Note: same as last month for this account (${pick(words, i + m)}).`
          : `Thanks for reaching out. I looked at the ${pick(words, i + m)} and a fix is rolling out today.`;
      await write(`${head},${quote(body)},${fromCustomer ? email : agent},${internal ? 'yes' : 'no'},${iso(created + m * 3_600_000)}\n`);
    }
  }
  out.end();
  await once(out, 'finish');
}

const mapping = {
  externalId: 'id', subject: 'subject', status: 'status', priority: 'priority', tags: 'tags', tagSeparator: ',',
  requesterEmail: 'requester', requesterName: 'requester_name', company: 'company', assignee: 'assignee',
  createdAt: 'created', updatedAt: 'updated', messageBody: 'body', messageAuthor: 'author', messageInternal: 'internal', messageCreatedAt: 'at',
};

mkdirSync(dataRoot, { recursive: true });
const csvFile = join(dataRoot, `import-${tickets}x${perTicket}.csv`);
if (!existsSync(csvFile)) {
  process.stdout.write(`writing ${csvFile}…\n`);
  await writeCsv(csvFile);
}
const mapFile = join(dataRoot, 'import-mapping.json');
writeFileSync(mapFile, JSON.stringify(mapping, null, 2));
const dataDir = mkdtempSync(join(tmpdir(), 'localdesk-bench-import-'));
try {
  process.stdout.write(`importing ${tickets} tickets × ${perTicket} messages into ${dataDir}\n`);
  const run = spawnSync(process.execPath, [join(root, 'bin/localdesk.js'), 'import-from', 'csv', csvFile, '--map', mapFile, '--data', dataDir], {
    stdio: ['ignore', 'pipe', 'inherit'],
    env: { ...process.env, LOCALDESK_LOG_LEVEL: 'silent' },
    encoding: 'utf8',
  });
  process.stdout.write(run.stdout);
  process.exitCode = run.status ?? 1;
} finally {
  rmSync(dataDir, { recursive: true, force: true });
}
