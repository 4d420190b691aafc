import { all } from '../cloudflare/client';
import { type BindingKind, type ConfigPlace, field, listOf, nameRest } from './kind';

/**
 * Queues: producers (`queues.producers: [{ binding, queue }]`, in an app or a Worker) and consumers
 * (`queues.consumers: [{ queue, max_batch_size, max_batch_timeout, max_retries }]`, Workers only). One queue per
 * stack for each queue name plus the stack's suffix; a consumer Worker is attached with `cloudflare.QueueConsumer`
 * (see `queueConsumers`). A queue holds messages not yet delivered: protected like all data.
 */
export const queue: BindingKind = {
  kind: 'queue',
  configKey: 'queues',
  scopes: ['app', 'worker'],
  read: (value, place) => {
    const queues = queuesOf(value, place);
    return listOf(queues.producers, place, 'queues.producers').map((entry, i) => {
      const where = `queues.producers[${i}]`;
      return {
        kind: 'queue',
        name: field(entry, 'binding', place, where),
        resource: field(entry, 'queue', place, where),
      };
    });
  },
  resource: {
    type: 'cloudflare:index/queue:Queue',
    label: 'queue',
    idInState: true,
    logicalName: (app, resource) => `${app}-queue${nameRest(app, resource)}`,
    nameProblem: (name) =>
      /^[a-z0-9][a-z0-9-]{0,62}$/.test(name)
        ? undefined
        : `Queue name "${name}" must be 1-63 lowercase letters, digits and dashes: change the queue name or the stack's nameSuffix.`,
    declare: (name, spec, { cloudflare, accountId, opts }) => {
      const created = new cloudflare.Queue(name, { accountId, queueName: spec.physicalName }, opts);
      return { resource: created, ref: created.queueName, id: created.queueId };
    },
    find: async (cf, accountId, name) =>
      (await all(cf.queues.list({ account_id: accountId })))
        .filter((q) => q.queue_name === name && q.queue_id)
        .map((q) => ({ id: q.queue_id as string })),
    importId: (accountId, found) => `${accountId}/${found.id}`,
    refOf: (_found, name) => name,
  },
  pages: {
    programKey: 'queueProducers',
    apiKey: 'queue_producers',
    stateKey: 'queueProducers',
    program: (name) => ({ name }),
    api: (name) => ({ name }),
    live: (entry) => (typeof entry.name === 'string' ? entry.name : undefined),
  },
  inProtectedPreview: false,
  worker: (binding, queueName) => ({ type: 'queue', name: binding.name, queueName }),
  wrangler: (binding, target) => ({ binding: binding.name, queue: target.ref }),
};

/** A Worker consuming a queue, with the delivery settings its config gives (Cloudflare's defaults otherwise). */
export interface QueueConsumerDeclaration {
  /** The queue's production name (its resource). */
  queue: string;
  batchSize?: number;
  maxWaitTimeMs?: number;
  maxRetries?: number;
}

/** `queues.consumers` of a Worker's config. An app (Pages) cannot consume: that is an error naming the file. */
export function queueConsumers(value: unknown, place: ConfigPlace): QueueConsumerDeclaration[] {
  const consumers = listOf(queuesOf(value, place).consumers, place, 'queues.consumers');
  if (consumers.length > 0 && place.scope === 'app')
    throw new Error(
      `${place.file}: queues.consumers: a Pages app cannot consume a queue. Move the consumer into a Worker under workers/.`,
    );
  return consumers.map((entry, i) => {
    const where = `queues.consumers[${i}]`;
    const number = (key: string) => {
      const v = entry[key];
      if (v === undefined) return undefined;
      if (typeof v !== 'number' || !Number.isInteger(v) || v < 0)
        throw new Error(`${place.file}: ${where}.${key} must be a whole number.`);
      return v;
    };
    const batchSize = number('max_batch_size');
    const timeout = number('max_batch_timeout');
    const maxRetries = number('max_retries');
    return {
      queue: field(entry, 'queue', place, where),
      ...(batchSize !== undefined ? { batchSize } : {}),
      ...(timeout !== undefined ? { maxWaitTimeMs: timeout * 1000 } : {}),
      ...(maxRetries !== undefined ? { maxRetries } : {}),
    };
  });
}

function queuesOf(value: unknown, place: ConfigPlace): { producers?: unknown; consumers?: unknown } {
  if (value === undefined) return {};
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    throw new Error(`${place.file}: queues must be an object with producers and/or consumers lists.`);
  return value as { producers?: unknown; consumers?: unknown };
}
