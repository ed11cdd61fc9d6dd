// SQLite's plan for the assignedTo filter of GET /conversations (conversationAssign.test.ts has
// the behaviour, on both engines): read from an index, in the order of the page, for both sorts.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type TestServer, startTestServer } from '../helpers/server.ts';

let s: TestServer;
beforeAll(async () => {
  s = await startTestServer();
});
afterAll(async () => {
  await s.close();
});

describe('GET /api/v1/conversations?assignedTo= on SQLite', () => {
  it('reads the filter from an index, in the order of the page, for both sorts', () => {
    for (const sort of ['created_at', 'last_message_at']) {
      const plan = (s.sqlite.prepare(`explain query plan select * from conversations where assigned_to = ? order by ${sort} desc, seq desc limit 50`).all('usr_x') as { detail: string }[])
        .map((row) => row.detail)
        .join('\n');
      expect(plan, sort).toMatch(/USING INDEX conversations_assignee/);
      expect(plan, sort).not.toMatch(/TEMP B-TREE/);
    }
  });
});
