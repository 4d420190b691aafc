import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Cloudflare from 'cloudflare';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { account, api, expectOk, fetchSite, type Harness, startJudgedHarness, TOKEN, wrangler } from './helpers.ts';

describe('R2 through wrangler and the SDK, and an R2 binding in a deployed Worker', () => {
  let judged: Awaited<ReturnType<typeof startJudgedHarness>>;
  let h: Harness;
  let cwd: string;
  let cf: Cloudflare;

  beforeAll(async () => {
    judged = await startJudgedHarness('wrangler-r2', /\/r2\//);
    ({ h, cwd } = judged);
    cf = new Cloudflare({ apiToken: TOKEN, baseURL: h.emu.url, maxRetries: 0 });
  });
  afterAll(() => judged?.finish());

  it('wrangler r2 bucket create/list; the SDK gets and lists it as Cloudflare types it', async () => {
    expectOk(await wrangler(h.emu, cwd, ['r2', 'bucket', 'create', 'conformance-bucket']));
    expect(expectOk(await wrangler(h.emu, cwd, ['r2', 'bucket', 'list']))).toContain('conformance-bucket');
    const got = await cf.r2.buckets.get('conformance-bucket', { account_id: h.emu.accountId });
    expect(got).toMatchObject({ name: 'conformance-bucket', storage_class: 'Standard' });
    const listed = await cf.r2.buckets.list({ account_id: h.emu.accountId });
    expect(listed.buckets?.map((b) => b.name)).toEqual(['conformance-bucket']);
  });

  it('refuses bad names (10005), a second bucket of the same name (10073) and unknown buckets (10006)', async () => {
    for (const name of ['ab', 'Upper', '-dash', 'dash-', 'under_score', 'x'.repeat(64)]) {
      const r = await api(h.emu, 'POST', `${account(h.emu)}/r2/buckets`, { name });
      expect([r.status, r.body.errors[0]?.code], name).toEqual([400, 10005]);
    }
    const again = await api(h.emu, 'POST', `${account(h.emu)}/r2/buckets`, { name: 'conformance-bucket' });
    expect([again.status, again.body.errors[0]?.code]).toEqual([409, 10073]);
    const missing = await api(h.emu, 'GET', `${account(h.emu)}/r2/buckets/no-such-bucket`);
    expect([missing.status, missing.body.errors[0]?.code]).toEqual([404, 10006]);
  });

  it('wrangler r2 object put/get --remote round-trips bytes and content type', async () => {
    writeFileSync(join(cwd, 'hello.txt'), 'hello from wrangler');
    expectOk(
      await wrangler(h.emu, cwd, [
        'r2',
        'object',
        'put',
        'conformance-bucket/dir/hello.txt',
        '--file',
        'hello.txt',
        '--content-type',
        'text/plain',
        '--remote',
      ]),
    );
    expectOk(
      await wrangler(h.emu, cwd, [
        'r2',
        'object',
        'get',
        'conformance-bucket/dir/hello.txt',
        '--file',
        'out.txt',
        '--remote',
      ]),
    );
    expect(readFileSync(join(cwd, 'out.txt'), 'utf8')).toBe('hello from wrangler');
  });

  it('a deployed Worker reads what wrangler put and writes what the API then serves', async () => {
    writeFileSync(
      join(cwd, 'wrangler.json'),
      JSON.stringify({
        name: 'r2-worker',
        main: 'src/index.ts',
        compatibility_date: '2025-01-01',
        r2_buckets: [{ binding: 'FILES', bucket_name: 'conformance-bucket' }],
      }),
    );
    mkdirSync(join(cwd, 'src'), { recursive: true });
    writeFileSync(
      join(cwd, 'src', 'index.ts'),
      `interface Env { FILES: R2Bucket }
export default {
  async fetch(_req: Request, env: Env): Promise<Response> {
    const hello = await env.FILES.get('dir/hello.txt');
    const text = hello ? await hello.text() : null;
    await env.FILES.put('from-worker.json', JSON.stringify({ saw: text }), {
      httpMetadata: { contentType: 'application/json' },
    });
    return Response.json({ saw: text, type: hello?.httpMetadata?.contentType });
  },
};
`,
    );
    expectOk(await wrangler(h.emu, cwd, ['deploy']));
    const res = await fetchSite(h.emu, 'r2-worker.workers.localhost', '/');
    expect(JSON.parse(res.body)).toEqual({ saw: 'hello from wrangler', type: 'text/plain' });
    const back = await fetch(`${h.emu.url}${account(h.emu)}/r2/buckets/conformance-bucket/objects/from-worker.json`, {
      headers: { authorization: `Bearer ${TOKEN}` },
    });
    expect(back.headers.get('content-type')).toBe('application/json');
    expect(await back.json()).toEqual({ saw: 'hello from wrangler' });
  });

  it('objects survive a restart', async () => {
    await h.restart();
    expectOk(
      await wrangler(h.emu, cwd, [
        'r2',
        'object',
        'get',
        'conformance-bucket/from-worker.json',
        '--file',
        'w.json',
        '--remote',
      ]),
    );
    expect(JSON.parse(readFileSync(join(cwd, 'w.json'), 'utf8'))).toEqual({ saw: 'hello from wrangler' });
  });

  it('refuses to delete a bucket with objects (409, 10008); deletes it once emptied', async () => {
    const full = await api(h.emu, 'DELETE', `${account(h.emu)}/r2/buckets/conformance-bucket`);
    expect([full.status, full.body.errors[0]?.code]).toEqual([409, 10008]);
    for (const key of ['dir/hello.txt', 'from-worker.json'])
      expectOk(await wrangler(h.emu, cwd, ['r2', 'object', 'delete', `conformance-bucket/${key}`, '--remote']));
    const gone = await wrangler(h.emu, cwd, [
      'r2',
      'object',
      'get',
      'conformance-bucket/dir/hello.txt',
      '--pipe',
      '--remote',
    ]);
    expect(gone.code).not.toBe(0);
    expectOk(await wrangler(h.emu, cwd, ['r2', 'bucket', 'delete', 'conformance-bucket']));
    const listed = await cf.r2.buckets.list({ account_id: h.emu.accountId });
    expect(listed.buckets).toEqual([]);
  });
});
