import type { Services } from '../api/context.ts';
import type { QueueConsumerMeta, QueueMeta } from './types.ts';

/** What Cloudflare fills in for a worker consumer's settings left unset (Queues "Configure" documentation). */
const WORKER_DEFAULTS = { batch_size: 10, max_retries: 3, max_wait_time_ms: 5000 };
const PULL_DEFAULTS = { batch_size: 10, max_retries: 3, visibility_timeout_ms: 30000 };

/** A consumer as the SDK types it (`MqWorkerConsumerResponse` / `MqHTTPConsumerResponse`). */
export function consumerView(q: QueueMeta, c: QueueConsumerMeta) {
  return {
    consumer_id: c.consumer_id,
    created_on: c.created_on,
    queue_name: q.queue_name,
    type: c.type,
    ...(c.script_name ? { script_name: c.script_name } : {}),
    ...(c.dead_letter_queue ? { dead_letter_queue: c.dead_letter_queue } : {}),
    settings: { ...(c.type === 'worker' ? WORKER_DEFAULTS : PULL_DEFAULTS), ...c.settings },
  };
}

/** Workers whose upload metadata binds the queue as a producer (`{ type: 'queue', queue_name }`). */
function producers(s: Services, q: QueueMeta) {
  return Object.values(s.state.doc.scripts)
    .filter((w) =>
      ((w.metadata.bindings ?? []) as Array<Record<string, unknown>>).some(
        (b) => b.type === 'queue' && b.queue_name === q.queue_name,
      ),
    )
    .map((w) => ({ type: 'worker' as const, script: w.name }));
}

/** A queue as the SDK types it (`Queue`), its producers and consumers computed from what the account holds. */
export function queueView(s: Services, q: QueueMeta) {
  const p = producers(s, q);
  // wrangler matches a queue's consumers to a script by `script` (deploy-helpers triggers/queue-consumers.ts).
  const consumers = q.consumers.map((c) => ({
    ...consumerView(q, c),
    ...(c.script_name ? { script: c.script_name } : {}),
  }));
  return {
    queue_id: q.queue_id,
    queue_name: q.queue_name,
    created_on: q.created_on,
    modified_on: q.modified_on,
    producers: p,
    producers_total_count: p.length,
    consumers,
    consumers_total_count: consumers.length,
    settings: { delivery_delay: 0, delivery_paused: false, message_retention_period: 345600, ...q.settings },
  };
}
