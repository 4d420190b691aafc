import { type Context, Hono } from 'hono';
import { CfError, ok, paginate, readJson, requireString } from '../envelope.ts';
import { newHexId, nowIso } from '../ids.ts';
import type { QueueConsumerMeta, QueueMeta } from '../queues/types.ts';
import { consumerView, queueView } from '../queues/views.ts';
import type { Services } from './context.ts';

function queue(s: Services, id: string): QueueMeta {
  const q = s.state.doc.queues[id];
  if (!q) throw new CfError(404, 11000, `Queue ${id} does not exist: list queues with GET …/queues.`);
  return q;
}

function consumer(q: QueueMeta, id: string): QueueConsumerMeta {
  const c = q.consumers.find((x) => x.consumer_id === id);
  if (!c) throw new CfError(404, 11000, `Queue ${q.queue_name} has no consumer ${id}.`);
  return c;
}

const numbers = (raw: unknown): Record<string, number> =>
  Object.fromEntries(
    Object.entries((raw ?? {}) as Record<string, unknown>).filter(([, v]) => typeof v === 'number'),
  ) as Record<string, number>;

/**
 * Queues (`/accounts/:a/queues`) and their consumers: what the SDK's `queues` and `queues.consumers` resources, wrangler's
 * `queues` commands and its deploy (queue consumers in the config) call. Messages are carried by Miniflare between the
 * Workers that produce and consume them, not through these routes.
 */
export function queuesRoutes(s: Services): Hono {
  const app = new Hono();
  const queueParam = (c: Context) => queue(s, c.req.param('queueId') as string);
  const changed = () => {
    s.state.save();
    s.runtime.invalidate();
  };

  app.get('/', (c) => {
    const name = c.req.query('name');
    const list = Object.values(s.state.doc.queues).filter((q) => name === undefined || q.queue_name === name);
    const { slice, info } = paginate(list, Number(c.req.query('page') ?? 1), Number(c.req.query('per_page') ?? 100));
    return ok(
      c,
      slice.map((q) => queueView(s, q)),
      info,
    );
  });

  app.post('/', async (c) => {
    const name = requireString(await readJson(c), 'queue_name');
    if (Object.values(s.state.doc.queues).some((q) => q.queue_name === name))
      throw new CfError(400, 11009, `Queue name "${name}" is already taken: use a different name.`);
    const now = nowIso();
    const q: QueueMeta = { queue_id: newHexId(), queue_name: name, created_on: now, modified_on: now, consumers: [] };
    s.state.doc.queues[q.queue_id] = q;
    changed();
    return ok(c, queueView(s, q));
  });

  app.get('/:queueId', (c) => ok(c, queueView(s, queueParam(c))));

  // PUT (update) and PATCH (edit) both rename and change settings (SDK QueueUpdateParams / QueueEditParams).
  const update = async (c: Context) => {
    const q = queueParam(c);
    const body = await readJson(c);
    if (typeof body.queue_name === 'string' && body.queue_name !== '' && body.queue_name !== q.queue_name) {
      if (Object.values(s.state.doc.queues).some((x) => x.queue_name === body.queue_name))
        throw new CfError(400, 11009, `Queue name "${body.queue_name}" is already taken: use a different name.`);
      q.queue_name = body.queue_name;
    }
    if (body.settings && typeof body.settings === 'object')
      q.settings = { ...q.settings, ...(body.settings as object) };
    q.modified_on = nowIso();
    changed();
    return ok(c, queueView(s, q));
  };
  app.put('/:queueId', update);
  app.patch('/:queueId', update);

  app.delete('/:queueId', (c) => {
    const q = queueParam(c);
    delete s.state.doc.queues[q.queue_id];
    changed();
    // The schema's answer for both deletes: the collection envelope, whose result is an array (SDK: not read).
    return ok(c, []);
  });

  app.get('/:queueId/consumers', (c) => {
    const q = queueParam(c);
    return ok(
      c,
      q.consumers.map((x) => consumerView(q, x)),
    );
  });

  /** A consumer from a create/update body (SDK ConsumerCreateParams: worker with script_name, or http_pull). */
  const fromBody = (body: Record<string, unknown>, q: QueueMeta, previous?: QueueConsumerMeta): QueueConsumerMeta => {
    const type = (body.type ?? previous?.type ?? 'worker') as QueueConsumerMeta['type'];
    if (type !== 'worker' && type !== 'http_pull')
      throw new CfError(400, 10026, `Unknown consumer type "${String(type)}": use "worker" or "http_pull".`);
    const script =
      type === 'worker' ? String(body.script_name ?? body.script ?? previous?.script_name ?? '') : undefined;
    if (type === 'worker') {
      if (!script) throw new CfError(400, 10026, 'A worker consumer needs "script_name".');
      if (!s.state.doc.scripts[script])
        throw new CfError(404, 10007, `This Worker does not exist on your account: no script named "${script}".`);
    }
    const other = q.consumers.find((x) => x !== previous);
    if (other)
      throw new CfError(
        400,
        11004,
        `Queue ${q.queue_name} already has a consumer (${other.consumer_id}): a queue has one.`,
      );
    return {
      consumer_id: previous?.consumer_id ?? newHexId(),
      created_on: previous?.created_on ?? nowIso(),
      type,
      ...(script ? { script_name: script } : {}),
      ...(typeof body.dead_letter_queue === 'string' && body.dead_letter_queue !== ''
        ? { dead_letter_queue: body.dead_letter_queue }
        : {}),
      settings: numbers(body.settings),
    };
  };

  app.post('/:queueId/consumers', async (c) => {
    const q = queueParam(c);
    const made = fromBody(await readJson(c), q);
    q.consumers.push(made);
    changed();
    return ok(c, consumerView(q, made));
  });

  app.get('/:queueId/consumers/:consumerId', (c) => {
    const q = queueParam(c);
    return ok(c, consumerView(q, consumer(q, c.req.param('consumerId'))));
  });

  app.put('/:queueId/consumers/:consumerId', async (c) => {
    const q = queueParam(c);
    const previous = consumer(q, c.req.param('consumerId'));
    const updated = fromBody(await readJson(c), q, previous);
    q.consumers = q.consumers.map((x) => (x === previous ? updated : x));
    changed();
    return ok(c, consumerView(q, updated));
  });

  app.delete('/:queueId/consumers/:consumerId', (c) => {
    const q = queueParam(c);
    const gone = consumer(q, c.req.param('consumerId'));
    q.consumers = q.consumers.filter((x) => x !== gone);
    changed();
    // The schema's answer for both deletes: the collection envelope, whose result is an array (SDK: not read).
    return ok(c, []);
  });

  return app;
}
