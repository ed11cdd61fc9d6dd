// The CSV source: the parser on its own, the sample export with its mapping, grouped rows,
// resuming from a byte cursor, and the errors a bad file or mapping gets.
import { appendFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { csv, type CsvCursor, parseCsv, parseDate } from '../../server/domain/imports/sources/csv.ts';
import { ImportSourceError, type SourceTicket } from '../../server/domain/imports/sources/types.ts';
import { collect } from '../helpers/importReplay.ts';

const fixtures = join(import.meta.dirname, '../fixtures/import/csv');
const sample = join(fixtures, 'tickets.csv');
const mapping = join(fixtures, 'mapping.json');
const tmp = mkdtempSync(join(tmpdir(), 'localdesk-csv-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

async function* bytes(text: string | Uint8Array, size: number) {
  const all = typeof text === 'string' ? new TextEncoder().encode(text) : text;
  for (let i = 0; i < all.length; i += size) yield all.subarray(i, i + size);
}
const rows = async (text: string | Uint8Array, size = 1 << 16) => (await collect(parseCsv(bytes(text, size)))).map((r) => r.fields);

describe('csv: the parser', () => {
  it('reads quotes, doubled quotes, delimiters and line breaks inside quotes, and every line ending', async () => {
    const text = 'a,b,c\r\n"x, y","say ""hi""","multi\nline"\r\nplain,,"\r\n"\rlast,"",end';
    const expected = [
      ['a', 'b', 'c'],
      ['x, y', 'say "hi"', 'multi\nline'],
      ['plain', '', '\r\n'],
      ['last', '', 'end'],
    ];
    expect(await rows(text)).toEqual(expected);
    // The same bytes one at a time: no field may break at a chunk boundary.
    expect(await rows(text, 1)).toEqual(expected);
  });

  it('strips a BOM, detects ";" and skips blank lines', async () => {
    const text = '\ufeffname;note\n\nAnna;"a;b"\n\n';
    expect(await rows(text)).toEqual([['name', 'note'], ['Anna', 'a;b']]);
  });

  it('reports the line of an unclosed quote and refuses non-UTF-8 bytes', async () => {
    await expect(rows('a,b\n1,"open\n2,3\n')).rejects.toThrow(/line 2: a quoted field is never closed/);
    await expect(rows(Uint8Array.from([0x61, 0x0a, 0x63, 0x61, 0x66, 0xe9, 0x0a]))).rejects.toThrow(/line 2: the file is not UTF-8/);
  });

  it('reads dates in the mapping\'s format and zone, ISO dates and Unix seconds', () => {
    expect(parseDate('03.02.2024 09:15', 'DD.MM.YYYY HH:mm', '+01:00')).toBe('2024-02-03T08:15:00.000Z');
    expect(parseDate('2/3/2024 9:05 PM', 'M/D/YYYY h:mm A', undefined)).toBe('2024-02-03T21:05:00.000Z');
    expect(parseDate('2024-02-03 09:15', undefined, '-05:00')).toBe('2024-02-03T14:15:00.000Z');
    expect(parseDate('2024-02-03T09:15:00+0200', undefined, undefined)).toBe('2024-02-03T07:15:00.000Z');
    expect(parseDate('1706951700', undefined, undefined)).toBe('2024-02-03T09:15:00.000Z');
    expect(parseDate('soon', undefined, undefined)).toBeNull();
  });
});

describe('csv: the sample export with its mapping', () => {
  it('yields 10 tickets, their requesters once each and the agents named as assignees', async () => {
    const records = await collect(csv.read({ file: sample, mapping }));
    const of = (kind: string) => records.filter((r) => r.kind === kind).map((r) => r.item);
    expect(of('ticket')).toHaveLength(10);
    expect(of('contact').map((c) => c?.externalId)).toEqual([
      'anna.jansen@example.com', 'bram.devries@example.com', 'zoe@example.com', 'dmitri@example.com', 'nobody@example.com',
      'emeka@example.com', 'fatima@example.com', 'giulia@example.com', 'hiro@example.com',
    ]);
    expect(of('user').map((u) => u?.externalId)).toEqual(['bram@helpdesk.example', 'chloé martin', 'helpdesk.lead@helpdesk.example']);
    expect(records[records.length - 1]?.kind).toBe('checkpoint');

    const t = (id: string) => of('ticket').find((x) => x?.externalId === id) as SourceTicket;
    expect(t('SUP-101')).toMatchObject({ status: 'pending', priority: 'medium', tags: ['hardware', 'printer'], createdAt: '2024-02-03T08:15:00.000Z', updatedAt: '2024-02-03T10:40:00.000Z', assignee: 'bram@helpdesk.example' });
    expect(t('SUP-101').messages[0]?.body).toBe('Hello,\nthe printer on floor 2 shows "offline" since this morning.\nThanks, Anna');
    expect(t('SUP-102').subject).toBe('Quote "test" in the subject; and a semicolon');
    expect(t('SUP-102').status).toBe('resolved');
    expect(t('SUP-103')).toMatchObject({ subject: 'Ünïcödé 🚀 注文 — مرحبا', priority: 'urgent', tags: ['vip;api'] });
    expect(t('SUP-103').messages[0]?.body).toBe('Zoë wrote: Cafe\u0301 👩‍👩‍👧 שלום');
    expect(t('SUP-104').messages[0]).toMatchObject({ body: 'Hi team,\n\nsee the status page (https://status.example.com).', html: expect.stringContaining('<script>') });
    expect(t('SUP-105')).toMatchObject({ priority: 'medium', tags: [], requester: { email: 'nobody@example.com', name: null } });
    expect(t('SUP-106')).toMatchObject({ status: 'open', priority: 'urgent', sourceStatus: 'Escalated' });
    expect(t('SUP-106').messages[0]?.body).toBe('Line one\nLine two\n\nLine four after a blank line');
    expect(t('SUP-107').status).toBe('closed');
    expect(t('SUP-109').requester.externalId).toBe('anna.jansen@example.com');
    expect(t('SUP-110')).toMatchObject({ subject: 'Trailing spaces and empty cells', tags: ['hardware'] });
  });

  it('resumes after a ticket, and from the checkpoint reads only rows appended since', async () => {
    const copy = join(tmp, 'resume.csv');
    writeFileSync(copy, readFileSync(sample));
    const all = await collect(csv.read({ file: copy, mapping }));
    const ticketKeys = (rs: typeof all) => rs.filter((r) => r.kind === 'ticket').map((r) => r.item?.externalId);

    const cutAt = all.findIndex((r) => r.kind === 'ticket' && r.item.externalId === 'SUP-104');
    const stored = JSON.parse(JSON.stringify(all[cutAt]?.cursor)) as unknown;
    const rest = await collect(csv.read({ file: copy, mapping, since: csv.parseCursor(stored) }));
    expect(ticketKeys(rest)).toEqual(['SUP-105', 'SUP-106', 'SUP-107', 'SUP-108', 'SUP-109', 'SUP-110']);

    const checkpoint = all[all.length - 1]?.cursor as CsvCursor;
    expect((await collect(csv.read({ file: copy, mapping, since: checkpoint }))).map((r) => r.kind)).toEqual(['checkpoint']);
    appendFileSync(copy, 'SUP-111;Appended later;New row;Open;Low;;late@example.com;Late Comer;;;14.02.2024 10:00;14.02.2024 10:00\r\n');
    const appended = await collect(csv.read({ file: copy, mapping, since: checkpoint }));
    expect(ticketKeys(appended)).toEqual(['SUP-111']);
    expect(appended.filter((r) => r.kind === 'contact').map((r) => r.item?.externalId)).toEqual(['late@example.com']);

    // An edit before the cursor: the file is read again from the top.
    writeFileSync(copy, readFileSync(copy, 'utf8').replace('Printer on floor 2', 'Printer on floor 3'));
    expect(ticketKeys(await collect(csv.read({ file: copy, mapping, since: checkpoint })))).toHaveLength(11);
  });
});

describe('csv: one row per message', () => {
  const header = 'ticket,title,state,requester,created,comment,author,private,comment_at\n';
  const map = {
    externalId: 'ticket', subject: 'title', status: 'state', requesterEmail: 'requester', createdAt: 'created',
    messageBody: 'comment', messageAuthor: 'author', messageInternal: 'private', messageCreatedAt: 'comment_at',
  };

  it('groups consecutive rows of a ticket into its messages', async () => {
    const file = join(tmp, 'grouped.csv');
    writeFileSync(file, `${header}T1,Broken,open,ann@example.com,2024-03-01 10:00,It broke,ann@example.com,,2024-03-01 10:00\n` +
      'T1,Broken,open,ann@example.com,2024-03-01 10:00,Looking,agent@desk.example,no,2024-03-01 11:00\n' +
      'T1,Broken,open,ann@example.com,2024-03-01 10:00,Known bug,agent@desk.example,yes,2024-03-01 11:05\n' +
      'T2,Other,closed,bob@example.com,2024-03-02 09:00,Thanks,bob@example.com,,2024-03-02 09:00\n');
    const records = await collect(csv.read({ file, mapping: map }));
    const [t1, t2] = records.filter((r) => r.kind === 'ticket').map((r) => r.item as SourceTicket);
    expect(t1?.messages.map((m) => [m.body, m.sender, m.internal, m.author])).toEqual([
      ['It broke', 'customer', false, 'ann@example.com'],
      ['Looking', 'agent', false, 'agent@desk.example'],
      ['Known bug', 'agent', true, 'agent@desk.example'],
    ]);
    expect(t1?.updatedAt).toBe('2024-03-01T11:05:00.000Z');
    expect(t2?.messages).toHaveLength(1);
    expect(records.filter((r) => r.kind === 'user').map((r) => r.item?.externalId)).toEqual(['agent@desk.example']);
    // The estimate (an import's ETA) counts tickets, not rows.
    expect(await csv.estimate({ file, mapping: map })).toEqual({ tickets: 2 });
  });

  it('refuses rows of one ticket that are not together', async () => {
    const file = join(tmp, 'scattered.csv');
    writeFileSync(file, `${header}T1,A,open,a@example.com,2024-03-01,x,a@example.com,,\nT2,B,open,b@example.com,2024-03-01,y,b@example.com,,\nT1,A,open,a@example.com,2024-03-01,z,a@example.com,,\n`);
    await expect(collect(csv.read({ file, mapping: map }))).rejects.toThrow(/line 4: the rows of ticket "T1" are not together; sort the file by ticket/);
  });
});

describe('csv: errors', () => {
  it('names the unmapped status and its line', async () => {
    const e = await collect(csv.read({ file: sample, mapping: { ...JSON.parse(readFileSync(mapping, 'utf8')), statusValues: {} } })).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(ImportSourceError);
    expect(e).toMatchObject({ source: 'csv', code: 'input' });
    expect((e as Error).message).toMatch(/line 2: status "Waiting for customer" is not mapped; add it to statusValues/);
  });

  it('lists the header when the mapping names a column that is not there', async () => {
    await expect(collect(csv.read({ file: sample, mapping: { subject: 'Title' } }))).rejects.toThrow(/column "Title" for subject, but the header has "Issue key", "Summary"/);
  });

  it('rejects a mapping with unknown keys or values', async () => {
    await expect(collect(csv.read({ file: sample, mapping: { subject: 'Summary', colour: 'x' } as never }))).rejects.toThrow(/the mapping is not valid/);
    await expect(collect(csv.read({ file: sample, mapping: { subject: 'Summary', statusValues: { Done: 'finished' } } as never }))).rejects.toThrow(/statusValues\.Done/);
  });

  it('estimates the number of rows', async () => {
    expect(await csv.estimate({ file: sample, mapping })).toEqual({ tickets: 10 });
  });
});
