import { windowStart } from '@create-something/app-kit/server/rate-limit';
import { insideOneWindow } from '@create-something/app-kit/test/windows';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { SEARCH_LIMIT } from '../../../src/lib/server/search-log.ts';
import { type RunningRecorder, search, startRecorder } from './harness.ts';

// The bundled Worker on Miniflare: messages go in through a queue producer, as io sends them, and come out as rows.
let recorder: RunningRecorder;
beforeAll(async () => {
  recorder = await startRecorder();
});
afterAll(() => recorder?.stop());

const rows = (where = '1 = 1') =>
  recorder.db.prepare(`SELECT query, result_count, searched_at FROM searches WHERE ${where} ORDER BY id`).all();
const counted = (client: string) =>
  recorder.db
    .prepare('SELECT count FROM rate_limits WHERE rule = ? AND client = ?')
    .bind(SEARCH_LIMIT.name, client)
    .first<{ count: number }>();
/** Waits until the query `sentinel` (sent last) is recorded: the queue delivers in order, so all before it are done. */
const until = (sentinel: string) =>
  vi.waitFor(async () => expect((await rows(`query = '${sentinel}'`)).results).toHaveLength(1), { timeout: 15_000 });

describe('search-recorder on Miniflare', () => {
  it('writes each search to `searches` with its own time, and counts it for its visitor', async () => {
    // Recent enough for retention: the Worker deletes searches older than 90 days as it records.
    const now = Date.now();
    await recorder.searches.send(
      search({ query: 'Cache', resultCount: 2, client: 'aaaaaaaaaaaaaaaa', searchedAt: now }),
    );
    await recorder.searches.sendBatch([
      { body: search({ query: 'migrations', resultCount: 1, client: 'aaaaaaaaaaaaaaaa', searchedAt: now + 1 }) },
      { body: search({ query: 'first-written', resultCount: 0, client: 'local', searchedAt: now + 2 }) },
    ]);
    await until('first-written');
    expect((await rows()).results).toEqual([
      { query: 'Cache', result_count: 2, searched_at: new Date(now).toISOString() },
      { query: 'migrations', result_count: 1, searched_at: new Date(now + 1).toISOString() },
      { query: 'first-written', result_count: 0, searched_at: new Date(now + 2).toISOString() },
    ]);
    expect((await counted('aaaaaaaaaaaaaaaa'))?.count).toBe(2);
  });

  it('records at most 30 searches per visitor per minute (counting all 35), other visitors unaffected', async () => {
    await insideOneWindow(SEARCH_LIMIT.windowSeconds, 5_000);
    const now = Date.now();
    const burst = Array.from({ length: 35 }, (_, i) => ({
      body: search({ query: `burst ${i}`, client: 'bbbbbbbbbbbbbbbb', searchedAt: now }),
    }));
    for (let i = 0; i < burst.length; i += 10) await recorder.searches.sendBatch(burst.slice(i, i + 10));
    await recorder.searches.send(search({ query: 'other visitor', client: 'cccccccccccccccc', searchedAt: now }));
    await until('other visitor');
    expect((await rows("query LIKE 'burst %'")).results).toHaveLength(30);
    expect(await counted('bbbbbbbbbbbbbbbb')).toEqual({ count: 35 });
    const window = windowStart(SEARCH_LIMIT, now);
    const windows = await recorder.db.prepare('SELECT DISTINCT window_start FROM rate_limits').all();
    expect(windows.results).toEqual([{ window_start: window }]);
  });

  it('deletes searches older than 90 days as it records', async () => {
    await recorder.db
      .prepare(
        "INSERT INTO searches (query, result_count, searched_at) VALUES ('my name', 0, '2020-01-01T00:00:00.000Z')",
      )
      .run();
    await recorder.searches.send(search({ query: 'after retention' }));
    await until('after retention');
    expect((await rows("query = 'my name'")).results).toEqual([]);
  });

  it('acknowledges what is not a search without writing anything', async () => {
    const before = await recorder.db
      .prepare('SELECT (SELECT COUNT(*) FROM searches) + (SELECT COUNT(*) FROM rate_limits) AS n')
      .first();
    const log = vi.spyOn(console, 'error');
    await recorder.searches.sendBatch([
      { body: 'edge' },
      { body: search({ query: 'x' }) },
      { body: { ...search(), extra: true } },
      { body: search({ client: '203.0.113.7' }) },
      { body: search({ resultCount: -1 }) },
    ]);
    await recorder.searches.send(search({ query: 'valid after invalid', client: 'dddddddddddddddd' }));
    await until('valid after invalid');
    const after = await recorder.db
      .prepare('SELECT (SELECT COUNT(*) FROM searches) + (SELECT COUNT(*) FROM rate_limits) AS n')
      .first();
    // One search row and one rate-limit row, both of the valid message.
    expect((after as { n: number }).n).toBe((before as { n: number }).n + 2);
    log.mockRestore();
  });
});
