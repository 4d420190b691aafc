import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { account, api, type Harness, startHarness, TOKEN } from './helpers.ts';

const MAX_BODY = 2 * 1024 * 1024;

describe('bad input gets Cloudflare envelopes and leaves state unchanged', () => {
  let h: Harness;
  const base = () => account(h.emu);
  const d1Count = async () => (await api<unknown[]>(h.emu, 'GET', `${base()}/d1/database`)).body.result.length;

  beforeAll(async () => {
    h = await startHarness('bad-input', { token: TOKEN, maxUploadBytes: MAX_BODY });
    await api(h.emu, 'POST', `${base()}/d1/database`, { name: 'keep-me' });
  });
  afterAll(async () => {
    expect(h.emu.unknownRoutes).toEqual([]);
    await h.close();
  });

  it('malformed JSON is a 400 envelope naming the problem', async () => {
    const res = await api(h.emu, 'POST', `${base()}/d1/database`, '{"name": "oops",', {
      'content-type': 'application/json',
    });
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({ success: false, result: null, messages: [] });
    expect(res.body.errors[0]?.message).toMatch(/Malformed JSON/);
    expect(await d1Count()).toBe(1);
  });

  it('missing required fields are 400s that name the field', async () => {
    const project = await api(h.emu, 'POST', `${base()}/pages/projects`, { production_branch: 'main' });
    expect(project.status).toBe(400);
    expect(project.body.errors[0]?.message).toContain('"name"');
    const db = await api(h.emu, 'POST', `${base()}/d1/database`, {});
    expect(db.status).toBe(400);
    expect(db.body.errors[0]?.message).toContain('"name"');
    const query = await api(h.emu, 'POST', `${base()}/d1/database/keep-me/query`, { params: [] });
    expect(query.body.errors[0]?.message).toContain('"sql"');
    expect((await api<unknown[]>(h.emu, 'GET', `${base()}/pages/projects`)).body.result).toEqual([]);
    expect(await d1Count()).toBe(1);
  });

  it('a failing statement in a multi-statement query rolls the whole request back', async () => {
    await api(h.emu, 'POST', `${base()}/d1/database/keep-me/query`, { sql: 'CREATE TABLE t (v INTEGER NOT NULL)' });
    const bad = await api(h.emu, 'POST', `${base()}/d1/database/keep-me/query`, {
      sql: 'INSERT INTO t VALUES (1); INSERT INTO t VALUES (NULL);',
    });
    expect(bad.status).toBe(400);
    expect(bad.body.errors[0]?.code).toBe(7500);
    const count = await api<Array<{ results: Array<{ n: number }> }>>(
      h.emu,
      'POST',
      `${base()}/d1/database/keep-me/query`,
      { sql: 'SELECT count(*) AS n FROM t' },
    );
    expect(count.body.result[0]?.results[0]?.n).toBe(0);
  });

  it('an oversize upload is a 413 envelope and stores nothing', async () => {
    await api(h.emu, 'POST', `${base()}/pages/projects`, { name: 'big-site', production_branch: 'main' });
    const { jwt } = (await api<{ jwt: string }>(h.emu, 'GET', `${base()}/pages/projects/big-site/upload-token`)).body
      .result;
    const hash = 'f'.repeat(32);
    const payload = JSON.stringify([
      {
        key: hash,
        value: Buffer.alloc(MAX_BODY).toString('base64'),
        metadata: { contentType: 'application/octet-stream' },
        base64: true,
      },
    ]);
    const res = await fetch(`${h.emu.url}/pages/assets/upload`, {
      method: 'POST',
      headers: { authorization: `Bearer ${jwt}`, 'content-type': 'application/json' },
      body: payload,
    });
    expect(res.status).toBe(413);
    const body = (await res.json()) as { success: boolean; errors: Array<{ message: string }> };
    expect(body.success).toBe(false);
    expect(body.errors[0]?.message).toMatch(/exceeds/);
    const missing = await fetch(`${h.emu.url}/pages/assets/check-missing`, {
      method: 'POST',
      headers: { authorization: `Bearer ${jwt}`, 'content-type': 'application/json' },
      body: JSON.stringify({ hashes: [hash] }),
    });
    expect(((await missing.json()) as { result: string[] }).result).toEqual([hash]);
  });

  it('a wrong token is a 401 envelope and changes nothing', async () => {
    const other = 'another-well-formed-token-0123456789abcdefghijklmnop';
    const res = await api(
      h.emu,
      'POST',
      `${base()}/d1/database`,
      { name: 'sneaky' },
      { authorization: `Bearer ${other}` },
    );
    expect(res.status).toBe(401);
    expect(res.body.errors[0]?.code).toBe(10000);
    const none = await fetch(`${h.emu.url}${base()}/d1/database`);
    expect(none.status).toBe(401);
    expect(await d1Count()).toBe(1);
  });

  it('asset endpoints refuse the API token and expired or forged JWTs', async () => {
    const res = await fetch(`${h.emu.url}/pages/assets/check-missing`, {
      method: 'POST',
      headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' },
      body: '{"hashes":[]}',
    });
    expect(res.status).toBe(401);
    expect(((await res.json()) as { errors: Array<{ code: number }> }).errors[0]?.code).toBe(8000013);
  });

  it('another account is a 403 envelope', async () => {
    const res = await api(h.emu, 'GET', '/accounts/0123456789abcdef0123456789abcdef/d1/database');
    expect(res.status).toBe(403);
    expect(res.body.success).toBe(false);
  });

  it('not-found codes the clients branch on', async () => {
    expect((await api(h.emu, 'GET', `${base()}/pages/projects/none`)).body.errors[0]?.code).toBe(8000007);
    expect((await api(h.emu, 'GET', `${base()}/workers/scripts/none/settings`)).body.errors[0]?.code).toBe(10007);
    expect((await api(h.emu, 'GET', `${base()}/d1/database/none`)).body.errors[0]?.code).toBe(7404);
    expect((await api(h.emu, 'GET', `${base()}/storage/kv/namespaces/none`)).body.errors[0]?.code).toBe(10013);
  });

  it('an unknown route is a 404 envelope and is recorded with method and path', async () => {
    const res = await api(h.emu, 'GET', `${base()}/zero-trust/nothing-here`);
    expect(res.status).toBe(404);
    expect(res.body.success).toBe(false);
    expect(h.emu.unknownRoutes).toEqual([{ method: 'GET', path: `/client/v4${base()}/zero-trust/nothing-here` }]);
    // Recorded as intended; cleared so the suite-wide "no unknown routes" check covers everything else.
    h.emu.unknownRoutes.length = 0;
  });
});
