import type { WorkerOptions } from 'miniflare';
import type { Services } from '../api/context.ts';

type QueueConsumers = NonNullable<WorkerOptions['queueConsumers']>;

/** Scripts registered as a worker consumer of some queue: they must run even before anyone requests them. */
export function consumerScripts(s: Services): string[] {
  return Object.values(s.state.doc.queues).flatMap((q) =>
    q.consumers.filter((c) => c.type === 'worker' && c.script_name).map((c) => c.script_name as string),
  );
}

/**
 * Miniflare's consumer options for one script, from the consumers API's settings (Cloudflare's defaults, which are
 * Miniflare's too, apply to what was not set: batch of 10, 5 s wait, 3 retries).
 */
export function queueConsumersOf(s: Services, script: string): QueueConsumers {
  const out: Record<string, Record<string, unknown>> = {};
  for (const q of Object.values(s.state.doc.queues)) {
    for (const c of q.consumers) {
      if (c.type !== 'worker' || c.script_name !== script) continue;
      const st = c.settings;
      out[q.queue_name] = {
        ...(st.batch_size !== undefined ? { maxBatchSize: st.batch_size } : {}),
        ...(st.max_wait_time_ms !== undefined ? { maxBatchTimeout: st.max_wait_time_ms / 1000 } : {}),
        ...(st.max_retries !== undefined ? { maxRetries: st.max_retries } : {}),
        ...(st.retry_delay !== undefined ? { retryDelay: st.retry_delay } : {}),
        ...(c.dead_letter_queue ? { deadLetterQueue: c.dead_letter_queue } : {}),
      };
    }
  }
  return out as QueueConsumers;
}
