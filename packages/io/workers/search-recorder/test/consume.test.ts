import type { Message, MessageBatch } from '@cloudflare/workers-types';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { consume, RETRY_DELAY_SECONDS } from '../src/consume.ts';
import { type RunningRecorder, search, startRecorder } from './harness.ts';

// The handler in Node against Miniflare's D1: which messages are acknowledged and which retried.
let storage: RunningRecorder;
beforeAll(async () => {
  storage = await startRecorder();
});
afterAll(() => storage?.stop());

function batchOf(...bodies: unknown[]) {
  const messages = bodies.map((body, i) => ({
    id: `m${i}`,
    timestamp: new Date(),
    attempts: 1,
    body,
    ack: vi.fn(),
    retry: vi.fn(),
  }));
  const batch = {
    queue: 'createsomething-io-searches',
    messages: messages as unknown as Message<unknown>[],
    ackAll: vi.fn(),
    retryAll: vi.fn(),
  };
  return { batch: batch as unknown as MessageBatch<unknown>, messages, retryAll: batch.retryAll };
}

const count = async (sql: string) => ((await storage.db.prepare(sql).first()) as { n: number }).n;

describe('consume (acknowledge or retry)', () => {
  it('acknowledges a recorded search and a malformed message alike, retrying neither', async () => {
    const log = vi.spyOn(console, 'error').mockImplementation(() => {});
    const { batch, messages } = batchOf(search({ query: 'kept' }), { query: 'jane doe 555-0100', resultCount: 'x' });
    await consume(batch, { DB: storage.db });
    for (const message of messages) {
      expect(message.ack).toHaveBeenCalledOnce();
      expect(message.retry).not.toHaveBeenCalled();
    }
    expect(await count("SELECT COUNT(*) AS n FROM searches WHERE query = 'kept'")).toBe(1);
    // The log says what was wrong with the message, never what was typed.
    expect(log).toHaveBeenCalledWith(
      'search-recorder: dropped message m1, not a search (resultCount, client, searchedAt)',
    );
    expect(JSON.stringify(log.mock.calls)).not.toContain('jane doe');
    log.mockRestore();
  });

  it('retries a search whose write failed, and the retry records and counts it once (the write is one transaction)', async () => {
    const log = vi.spyOn(console, 'error').mockImplementation(() => {});
    const client = 'eeeeeeeeeeeeeeee';
    await storage.db
      .prepare("CREATE TRIGGER refuse BEFORE INSERT ON searches BEGIN SELECT RAISE(ABORT, 'disk full'); END")
      .run();
    const first = batchOf(search({ query: 'retried', client }));
    await consume(first.batch, { DB: storage.db });
    expect(first.messages[0]?.retry).toHaveBeenCalledWith({ delaySeconds: RETRY_DELAY_SECONDS });
    expect(first.messages[0]?.ack).not.toHaveBeenCalled();
    // Nothing of the failed attempt was kept: not even its count.
    expect(await count(`SELECT COUNT(*) AS n FROM rate_limits WHERE client = '${client}'`)).toBe(0);

    await storage.db.prepare('DROP TRIGGER refuse').run();
    const again = batchOf(first.messages[0]?.body);
    await consume(again.batch, { DB: storage.db });
    expect(again.messages[0]?.ack).toHaveBeenCalledOnce();
    expect(await count("SELECT COUNT(*) AS n FROM searches WHERE query = 'retried'")).toBe(1);
    expect(await count(`SELECT count AS n FROM rate_limits WHERE client = '${client}'`)).toBe(1);
    log.mockRestore();
  });

  it('retries the whole batch when the DB binding is missing', async () => {
    const log = vi.spyOn(console, 'error').mockImplementation(() => {});
    const { batch, messages, retryAll } = batchOf(search());
    await consume(batch, {});
    expect(retryAll).toHaveBeenCalledWith({ delaySeconds: RETRY_DELAY_SECONDS });
    expect(messages[0]?.ack).not.toHaveBeenCalled();
    expect(log).toHaveBeenCalledWith('search-recorder: missing binding DB (D1 database); retrying the batch');
    log.mockRestore();
  });
});
