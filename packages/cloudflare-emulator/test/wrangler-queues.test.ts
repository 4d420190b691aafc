import Cloudflare from 'cloudflare';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  account,
  api,
  deployWorker,
  expectOk,
  fetchSite,
  type Harness,
  startJudgedHarness,
  TOKEN,
  waitForKv,
  wrangler,
} from './helpers.ts';

describe('Queues: API, a producer Worker and a consumer Worker', () => {
  let judged: Awaited<ReturnType<typeof startJudgedHarness>>;
  let h: Harness;
  let cwd: string;
  let cf: Cloudflare;
  let nsId: string;
  let queueId: string;

  beforeAll(async () => {
    judged = await startJudgedHarness('wrangler-queues', /\/queues/);
    ({ h, cwd } = judged);
    cf = new Cloudflare({ apiToken: TOKEN, baseURL: h.emu.url, maxRetries: 0 });
    nsId = (await api<{ id: string }>(h.emu, 'POST', `${account(h.emu)}/storage/kv/namespaces`, { title: 'queue-out' }))
      .body.result.id;
  });
  afterAll(() => judged?.finish());

  it('wrangler queues create makes a queue the SDK lists and gets; a second of the name is refused', async () => {
    expectOk(await wrangler(h.emu, cwd, ['queues', 'create', 'conformance-queue']));
    const list = await cf.queues.list({ account_id: h.emu.accountId });
    expect(list.result.map((q) => q.queue_name)).toEqual(['conformance-queue']);
    queueId = list.result[0]?.queue_id as string;
    const got = await cf.queues.get(queueId, { account_id: h.emu.accountId });
    expect(got).toMatchObject({ queue_name: 'conformance-queue', consumers: [], producers: [] });
    const again = await api(h.emu, 'POST', `${account(h.emu)}/queues`, { queue_name: 'conformance-queue' });
    expect([again.status, again.body.errors[0]?.code]).toEqual([400, 11009]);
    const missing = await api(h.emu, 'GET', `${account(h.emu)}/queues/${'0'.repeat(32)}`);
    expect([missing.status, missing.body.errors[0]?.code]).toEqual([404, 11000]);
  });

  it('a message a producer Worker sends reaches the consumer Worker registered by wrangler deploy', async () => {
    await deployWorker(
      h,
      cwd,
      {
        name: 'queue-consumer',
        kv_namespaces: [{ binding: 'OUT', id: nsId }],
        queues: { consumers: [{ queue: 'conformance-queue', max_batch_size: 5, max_batch_timeout: 1 }] },
      },
      `interface Env { OUT: KVNamespace }
export default {
  async fetch(): Promise<Response> { return new Response('consumer'); },
  async queue(batch: MessageBatch<{ n: number }>, env: Env): Promise<void> {
    for (const m of batch.messages) await env.OUT.put(\`got-\${m.body.n}\`, JSON.stringify({ queue: batch.queue, body: m.body }));
  },
};
`,
    );
    await deployWorker(
      h,
      cwd,
      { name: 'queue-producer', queues: { producers: [{ binding: 'JOBS', queue: 'conformance-queue' }] } },
      `interface Env { JOBS: Queue<{ n: number }> }
export default {
  async fetch(req: Request, env: Env): Promise<Response> {
    const n = Number(new URL(req.url).searchParams.get('n'));
    await env.JOBS.send({ n });
    return new Response('sent ' + n);
  },
};
`,
    );
    const consumers = await cf.queues.consumers.list(queueId, { account_id: h.emu.accountId });
    expect(consumers.result).toEqual([
      expect.objectContaining({
        type: 'worker',
        script_name: 'queue-consumer',
        queue_name: 'conformance-queue',
        settings: expect.objectContaining({ batch_size: 5, max_wait_time_ms: 1000 }),
      }),
    ]);
    const queue = await cf.queues.get(queueId, { account_id: h.emu.accountId });
    expect(queue.producers).toEqual([{ type: 'worker', script: 'queue-producer' }]);

    const sent = await fetchSite(h.emu, 'queue-producer.workers.localhost', '/?n=7');
    expect(sent.body).toBe('sent 7');
    expect(await waitForKv(h.emu, nsId, 'got-7')).toEqual({ queue: 'conformance-queue', body: { n: 7 } });
  });

  it('wrangler queues consumer remove, then delete; the SDK sees them gone', async () => {
    expectOk(await wrangler(h.emu, cwd, ['queues', 'consumer', 'remove', 'conformance-queue', 'queue-consumer']));
    expect((await cf.queues.consumers.list(queueId, { account_id: h.emu.accountId })).result).toEqual([]);
    expectOk(await wrangler(h.emu, cwd, ['queues', 'delete', 'conformance-queue']));
    expect((await cf.queues.list({ account_id: h.emu.accountId })).result).toEqual([]);
  });
});
