import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { account, api, type Harness, startHarness } from './helpers.ts';

/** A token the emulator treats like a Cloudflare token with Read permissions only. */
const READ = 'read-only-token-0123456789abcdefghijklmnopqrstuvwxyz';
const asReader = { authorization: `Bearer ${READ}` };

describe('read-only tokens on the R2 and Queues routes', () => {
  let h: Harness;
  let a: string;
  let queueId: string;
  let consumerId: string;

  beforeAll(async () => {
    h = await startHarness('read-only-r2-queues', { readOnlyTokens: [READ] });
    a = account(h.emu);
    // Made with the ordinary (writing) token.
    await api(h.emu, 'POST', `${a}/r2/buckets`, { name: 'ro-bucket' });
    await api(h.emu, 'PUT', `${a}/r2/buckets/ro-bucket/objects/kept.txt`, 'kept', { 'content-type': 'text/plain' });
    queueId = (await api<{ queue_id: string }>(h.emu, 'POST', `${a}/queues`, { queue_name: 'ro-queue' })).body.result
      .queue_id;
    const form = new FormData();
    form.set('metadata', JSON.stringify({ main_module: 'index.js' }));
    form.set(
      'index.js',
      new File(['export default { queue() {} };'], 'index.js', { type: 'application/javascript+module' }),
    );
    await api(h.emu, 'PUT', `${a}/workers/scripts/ro-consumer`, form);
    consumerId = (
      await api<{ consumer_id: string }>(h.emu, 'POST', `${a}/queues/${queueId}/consumers`, {
        type: 'worker',
        script_name: 'ro-consumer',
      })
    ).body.result.consumer_id;
  });
  afterAll(async () => {
    expect(h.emu.unknownRoutes).toEqual([]);
    await h.close();
  });

  it('read buckets, objects, queues and consumers', async () => {
    for (const path of [
      `${a}/r2/buckets`,
      `${a}/r2/buckets/ro-bucket`,
      `${a}/queues`,
      `${a}/queues/${queueId}`,
      `${a}/queues/${queueId}/consumers`,
      `${a}/queues/${queueId}/consumers/${consumerId}`,
    ]) {
      expect((await api(h.emu, 'GET', path, undefined, asReader)).status, path).toBe(200);
    }
    const object = await fetch(`${h.emu.url}${a}/r2/buckets/ro-bucket/objects/kept.txt`, { headers: asReader });
    expect(await object.text()).toBe('kept');
  });

  it('are refused every write (403, code 10000) and nothing changes', async () => {
    const writes: Array<[string, string, unknown]> = [
      ['POST', `${a}/r2/buckets`, { name: 'ro-new' }],
      ['DELETE', `${a}/r2/buckets/ro-bucket`, undefined],
      ['PUT', `${a}/r2/buckets/ro-bucket/objects/new.txt`, 'new'],
      ['DELETE', `${a}/r2/buckets/ro-bucket/objects/kept.txt`, undefined],
      ['POST', `${a}/queues`, { queue_name: 'ro-new' }],
      ['PUT', `${a}/queues/${queueId}`, { queue_name: 'renamed' }],
      ['PATCH', `${a}/queues/${queueId}`, { queue_name: 'renamed' }],
      ['DELETE', `${a}/queues/${queueId}`, undefined],
      ['POST', `${a}/queues/${queueId}/consumers`, { type: 'worker', script_name: 'ro-consumer' }],
      ['PUT', `${a}/queues/${queueId}/consumers/${consumerId}`, { type: 'worker', script_name: 'ro-consumer' }],
      ['DELETE', `${a}/queues/${queueId}/consumers/${consumerId}`, undefined],
    ];
    for (const [method, path, body] of writes) {
      const res = await api(h.emu, method, path, body, asReader);
      expect([res.status, res.body.errors[0]?.code], `${method} ${path}`).toEqual([403, 10000]);
    }
    expect(h.emu.refusedWrites).toHaveLength(writes.length);
    const buckets = await api<{ buckets: Array<{ name: string }> }>(h.emu, 'GET', `${a}/r2/buckets`);
    expect(buckets.body.result.buckets.map((b) => b.name)).toEqual(['ro-bucket']);
    const queue = await api<{ queue_name: string; consumers: unknown[] }>(h.emu, 'GET', `${a}/queues/${queueId}`);
    expect(queue.body.result).toMatchObject({ queue_name: 'ro-queue', consumers: [expect.anything()] });
    const object = await fetch(`${h.emu.url}${a}/r2/buckets/ro-bucket/objects/kept.txt`, { headers: asReader });
    expect(await object.text()).toBe('kept');
  });
});
