import type { D1Database, MessageBatch } from '@cloudflare/workers-types';
import { searchMessage } from '../../../src/lib/server/search-log.ts';
import { recordStatements } from './record.ts';

/** How long a search whose write failed waits before it is delivered again (then up to the queue's max_retries). */
export const RETRY_DELAY_SECONDS = 30;

/**
 * Records each message of a batch on its own, so one bad or failing message does not hold back the others:
 * - not a search (wrong shape, a query the app would refuse): acknowledged and logged, never retried, since no
 *   retry can make it valid; the log names what was wrong, not what was typed (a query may be personal data);
 * - D1 failed: retried after RETRY_DELAY_SECONDS; the write is one transaction, so nothing of it was kept;
 * - no DB binding: the whole batch is retried (a misconfigured deployment loses nothing until it is fixed, within
 *   the queue's retries).
 */
export async function consume(batch: MessageBatch<unknown>, env: { DB?: D1Database }): Promise<void> {
  const db = env.DB;
  if (!db) {
    console.error('search-recorder: missing binding DB (D1 database); retrying the batch');
    batch.retryAll({ delaySeconds: RETRY_DELAY_SECONDS });
    return;
  }
  for (const message of batch.messages) {
    const search = searchMessage.safeParse(message.body);
    if (!search.success) {
      const where = search.error.issues.map((issue) => issue.path.join('.') || '(message)').join(', ');
      console.error(`search-recorder: dropped message ${message.id}, not a search (${where})`);
      message.ack();
      continue;
    }
    try {
      await db.batch(recordStatements(db, search.data));
      message.ack();
    } catch (error) {
      console.error(`search-recorder: could not record message ${message.id}; retrying:`, error);
      message.retry({ delaySeconds: RETRY_DELAY_SECONDS });
    }
  }
}
