import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { D1Database, Queue } from '@cloudflare/workers-types';
import { applyMigrations } from '@create-something/app-kit/test/d1';
import { Miniflare } from 'miniflare';
import { unstable_readConfig } from 'wrangler';
import type { SearchMessage } from '../../../src/lib/server/search-log.ts';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const config = unstable_readConfig({ config: path.join(ROOT, 'wrangler.jsonc') });

export interface RunningRecorder {
  mf: Miniflare;
  db: D1Database;
  /** A producer on the consumed queue, as the io app's SEARCHES binding is. */
  searches: Queue<unknown>;
  stop(): Promise<void>;
}

/**
 * The bundled Worker (dist/index.js) on Miniflare, consuming its queue with the batch size wrangler.jsonc declares,
 * with io's D1 (all of io's migrations applied). Two test-only changes: batches are delivered without the 5 s wait
 * (a test would otherwise wait for every partial batch) and retries without delay.
 */
export async function startRecorder(): Promise<RunningRecorder> {
  const d1 = config.d1_databases[0];
  const consumer = config.queues.consumers?.[0];
  if (!d1 || !consumer) throw new Error('wrangler.jsonc must declare DB and the queue consumer');
  const mf = new Miniflare({
    host: '127.0.0.1',
    port: 0,
    modulesRoot: path.join(ROOT, 'dist'),
    modules: [{ type: 'ESModule', path: path.join(ROOT, 'dist/index.js') }],
    compatibilityDate: config.compatibility_date,
    compatibilityFlags: config.compatibility_flags,
    d1Databases: { DB: d1.database_id ?? 'DB' },
    queueConsumers: {
      [consumer.queue]: { maxBatchSize: consumer.max_batch_size, maxBatchTimeout: 0, retryDelay: 0 },
    },
    queueProducers: { SEARCHES: { queueName: consumer.queue } },
  });
  await mf.ready;
  const db = (await mf.getD1Database('DB')) as unknown as D1Database;
  await applyMigrations(db, path.resolve(ROOT, d1.migrations_dir ?? 'migrations'));
  return {
    mf,
    db,
    searches: (await mf.getQueueProducer('SEARCHES')) as unknown as Queue<unknown>,
    stop: () => mf.dispose(),
  };
}

/** A search as the io app sends it (see src/lib/server/search.ts there). */
export function search(overrides: Partial<SearchMessage> = {}): SearchMessage {
  return { query: 'edge', resultCount: 1, client: '0123456789abcdef', searchedAt: Date.now(), ...overrides };
}
