import Cloudflare, { toFile } from 'cloudflare';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { account, api, fetchSite, type Harness, startHarness, TOKEN } from './helpers.ts';

describe('the official cloudflare SDK against the emulator', () => {
  let h: Harness;
  let cf: Cloudflare;
  let accountId: string;

  beforeAll(async () => {
    h = await startHarness('sdk');
    cf = new Cloudflare({ apiToken: TOKEN, baseURL: h.emu.url, maxRetries: 0 });
    accountId = h.emu.accountId;
  });
  afterAll(async () => {
    expect(h.emu.unknownRoutes).toEqual([]);
    await h.close();
  });

  describe('D1', () => {
    let dbId: string;

    it('creates, gets, lists by name, queries and raw-queries with params', async () => {
      const db = await cf.d1.database.create({ account_id: accountId, name: 'sdk-db' });
      dbId = db.uuid as string;
      expect(db.name).toBe('sdk-db');
      expect((await cf.d1.database.get(dbId, { account_id: accountId })).uuid).toBe(dbId);
      const page = await cf.d1.database.list({ account_id: accountId, name: 'sdk-db' });
      expect(page.result.map((d) => d.uuid)).toEqual([dbId]);

      const setup = await cf.d1.database.query(dbId, {
        account_id: accountId,
        sql: "CREATE TABLE items (id INTEGER PRIMARY KEY, name TEXT); INSERT INTO items (name) VALUES ('a'), ('b');",
      });
      expect(setup.result).toHaveLength(2);
      const q = await cf.d1.database.query(dbId, {
        account_id: accountId,
        sql: 'SELECT name FROM items WHERE id > ?',
        params: ['0'],
      });
      expect(q.result[0]?.results).toEqual([{ name: 'a' }, { name: 'b' }]);
      const raw = await cf.d1.database.raw(dbId, {
        account_id: accountId,
        sql: 'SELECT id, name FROM items ORDER BY id',
      });
      expect(raw.result[0]?.results).toEqual({
        columns: ['id', 'name'],
        rows: [
          [1, 'a'],
          [2, 'b'],
        ],
      });
    });

    it('time travel: a bookmark taken before a bad change restores the data', async () => {
      const before = await cf.d1.database.timeTravel.getBookmark(dbId, { account_id: accountId });
      await cf.d1.database.query(dbId, { account_id: accountId, sql: 'DELETE FROM items; DROP TABLE items;' });
      const restored = await cf.d1.database.timeTravel.restore(dbId, {
        account_id: accountId,
        bookmark: before.bookmark as string,
      });
      expect(restored.previous_bookmark).not.toBe(before.bookmark);
      const q = await cf.d1.database.query(dbId, { account_id: accountId, sql: 'SELECT count(*) AS n FROM items' });
      expect(q.result[0]?.results).toEqual([{ n: 2 }]);
      // The restore is itself undoable, as on Cloudflare.
      await cf.d1.database.timeTravel.restore(dbId, {
        account_id: accountId,
        bookmark: restored.previous_bookmark as string,
      });
      const gone = await api(h.emu, 'POST', `${account(h.emu)}/d1/database/${dbId}/query`, {
        sql: 'SELECT count(*) FROM items',
      });
      expect(gone.status).toBe(400);
      await cf.d1.database.timeTravel.restore(dbId, { account_id: accountId, bookmark: before.bookmark as string });
    });

    it('a bookmark by timestamp names the state at that time', async () => {
      const t0 = new Date().toISOString();
      await new Promise((r) => setTimeout(r, 20));
      await cf.d1.database.query(dbId, { account_id: accountId, sql: "INSERT INTO items (name) VALUES ('late')" });
      const atT0 = await cf.d1.database.timeTravel.getBookmark(dbId, { account_id: accountId, timestamp: t0 });
      await cf.d1.database.timeTravel.restore(dbId, { account_id: accountId, bookmark: atT0.bookmark as string });
      const q = await cf.d1.database.query(dbId, { account_id: accountId, sql: 'SELECT count(*) AS n FROM items' });
      expect(q.result[0]?.results).toEqual([{ n: 2 }]);
    });

    it('deletes; a later get is 7404', async () => {
      const extra = await cf.d1.database.create({ account_id: accountId, name: 'sdk-db-doomed' });
      await cf.d1.database.delete(extra.uuid as string, { account_id: accountId });
      const res = await api(h.emu, 'GET', `${account(h.emu)}/d1/database/${extra.uuid}`);
      expect(res.status).toBe(404);
      expect(res.body.errors[0]?.code).toBe(7404);
    });
  });

  describe('KV', () => {
    let nsId: string;

    it('namespaces create, list, rename, delete', async () => {
      const ns = await cf.kv.namespaces.create({ account_id: accountId, title: 'sdk-kv' });
      nsId = ns.id;
      await cf.kv.namespaces.update(nsId, { account_id: accountId, title: 'sdk-kv-renamed' });
      const got = await cf.kv.namespaces.get(nsId, { account_id: accountId });
      expect(got.title).toBe('sdk-kv-renamed');
      const doomed = await cf.kv.namespaces.create({ account_id: accountId, title: 'sdk-kv-doomed' });
      await cf.kv.namespaces.delete(doomed.id, { account_id: accountId });
      const list = await cf.kv.namespaces.list({ account_id: accountId });
      expect(list.result.map((n) => n.title)).toEqual(['sdk-kv-renamed']);
      const missing = await api(h.emu, 'GET', `${account(h.emu)}/storage/kv/namespaces/${doomed.id}`);
      expect(missing.body.errors[0]?.code).toBe(10013);
    });

    it('values with metadata and expiration; bulk put/delete; keys paged by cursor', async () => {
      await cf.kv.namespaces.values.update('single', {
        account_id: accountId,
        namespace_id: nsId,
        value: 'one',
        metadata: { kind: 'single' } as never,
        expiration_ttl: 3600,
      });
      const value = await cf.kv.namespaces.values.get('single', { account_id: accountId, namespace_id: nsId });
      expect(await value.text()).toBe('one');
      const meta = await cf.kv.namespaces.metadata.get('single', { account_id: accountId, namespace_id: nsId });
      expect(meta).toEqual({ kind: 'single' });

      const items = Array.from({ length: 25 }, (_, i) => ({
        key: `bulk/${String(i).padStart(2, '0')}`,
        value: `v${i}`,
      }));
      await cf.kv.namespaces.bulkUpdate(nsId, { account_id: accountId, body: items });
      const seen: string[] = [];
      let cursor: string | undefined;
      do {
        const res = await api<Array<{ name: string }>>(
          h.emu,
          'GET',
          `${account(h.emu)}/storage/kv/namespaces/${nsId}/keys?prefix=bulk/&limit=10${cursor ? `&cursor=${cursor}` : ''}`,
        );
        seen.push(...res.body.result.map((k) => k.name));
        cursor = (res.body.result_info?.cursor as string) || undefined;
      } while (cursor);
      expect(seen).toEqual(items.map((i) => i.key));

      await cf.kv.namespaces.bulkDelete(nsId, { account_id: accountId, body: items.slice(0, 20).map((i) => i.key) });
      const left = await cf.kv.namespaces.keys.list(nsId, { account_id: accountId, prefix: 'bulk/' });
      expect(left.result.map((k) => k.name)).toEqual(items.slice(20).map((i) => i.key));
      const listed = await cf.kv.namespaces.keys.list(nsId, { account_id: accountId, prefix: 'single' });
      expect(listed.result[0]?.expiration).toBeGreaterThan(Date.now() / 1000);

      await cf.kv.namespaces.values.delete('single', { account_id: accountId, namespace_id: nsId });
      const gone = await api(h.emu, 'GET', `${account(h.emu)}/storage/kv/namespaces/${nsId}/values/single`);
      expect(gone.status).toBe(404);
    });
  });

  describe('Pages projects as the Terraform provider writes them', () => {
    const written = {
      name: 'tf-site',
      production_branch: 'main',
      deployment_configs: {
        production: {
          compatibility_date: '2025-01-01',
          compatibility_flags: ['nodejs_compat'],
          d1_databases: { DB: { id: '00000000-0000-4000-8000-000000000001' } },
          kv_namespaces: { KV: { namespace_id: '0123456789abcdef0123456789abcdef' } },
          env_vars: { STAGE: { type: 'plain_text', value: 'prod' } },
        },
        preview: {
          compatibility_date: '2025-01-01',
          d1_databases: { DB: { id: '00000000-0000-4000-8000-000000000002' } },
        },
      },
    };

    it('returns exactly what was written plus computed fields, on create and on every read', async () => {
      const created = (await cf.pages.projects.create({
        account_id: accountId,
        ...written,
      } as never)) as unknown as Record<string, unknown>;
      const read = (await cf.pages.projects.get('tf-site', { account_id: accountId })) as unknown as Record<
        string,
        unknown
      >;
      expect(read).toEqual(created);
      const configs = read.deployment_configs as Record<string, Record<string, unknown>>;
      expect(configs.production).toMatchObject(written.deployment_configs.production);
      expect(configs.preview).toMatchObject(written.deployment_configs.preview);
      // Optional attributes that were not written stay absent (a refresh must not invent them).
      expect(configs.preview?.kv_namespaces).toBeUndefined();
      expect(configs.preview?.env_vars).toBeUndefined();
      expect(read).toMatchObject({
        name: 'tf-site',
        subdomain: 'tf-site.pages.dev',
        production_branch: 'main',
        canonical_deployment: null,
        latest_deployment: null,
      });
      expect(read.source).toBeUndefined();
      expect(typeof read.id).toBe('string');
      expect(typeof read.created_on).toBe('string');
    });

    it('PATCH merges: bindings sent as null (or an empty map) are removed, others kept', async () => {
      await cf.pages.projects.edit('tf-site', {
        account_id: accountId,
        deployment_configs: {
          production: {
            kv_namespaces: { KV: null, CACHE: { namespace_id: 'fedcba9876543210fedcba9876543210' } },
            env_vars: { STAGE: null },
          },
          preview: { d1_databases: {} },
        } as never,
      });
      const read = (await cf.pages.projects.get('tf-site', { account_id: accountId })) as unknown as {
        deployment_configs: Record<string, Record<string, unknown>>;
      };
      const prod = read.deployment_configs.production as Record<string, unknown>;
      expect(prod.kv_namespaces).toEqual({ CACHE: { namespace_id: 'fedcba9876543210fedcba9876543210' } });
      expect(prod.env_vars).toBeUndefined();
      expect(prod.d1_databases).toEqual(written.deployment_configs.production.d1_databases);
      expect(prod.compatibility_flags).toEqual(['nodejs_compat']);
      expect(read.deployment_configs.preview?.d1_databases).toBeUndefined();
    });

    it('project not found is 8000007; lists and deletes', async () => {
      const missing = await api(h.emu, 'GET', `${account(h.emu)}/pages/projects/nope`);
      expect(missing.status).toBe(404);
      expect(missing.body.errors[0]?.code).toBe(8000007);
      const list = await cf.pages.projects.list({ account_id: accountId });
      expect(list.result.map((p) => p.name)).toContain('tf-site');
      await cf.pages.projects.delete('tf-site', { account_id: accountId });
      expect((await api(h.emu, 'GET', `${account(h.emu)}/pages/projects/tf-site`)).status).toBe(404);
    });

    it('domains CRUD', async () => {
      await cf.pages.projects.create({ account_id: accountId, name: 'domain-site', production_branch: 'main' });
      await cf.pages.projects.domains.create('domain-site', { account_id: accountId, name: 'example.test' });
      const list = await cf.pages.projects.domains.list('domain-site', { account_id: accountId });
      expect(list.result.map((d) => d.name)).toEqual(['example.test']);
      const one = await cf.pages.projects.domains.get('example.test', {
        account_id: accountId,
        project_name: 'domain-site',
      });
      expect(one.status).toBe('active');
      await cf.pages.projects.domains.delete('example.test', { account_id: accountId, project_name: 'domain-site' });
      expect((await cf.pages.projects.domains.list('domain-site', { account_id: accountId })).result).toEqual([]);
    });
  });

  describe('Pages deployments through the SDK', () => {
    it('uploads assets with the JWT, deploys, rolls back and deletes', async () => {
      await cf.pages.projects.create({ account_id: accountId, name: 'sdk-deploy', production_branch: 'main' });
      const { jwt } = (
        await api<{ jwt: string }>(h.emu, 'GET', `${account(h.emu)}/pages/projects/sdk-deploy/upload-token`)
      ).body.result;
      const claims = JSON.parse(Buffer.from(jwt.split('.')[1] as string, 'base64url').toString()) as {
        exp: number;
        max_file_count_allowed: number;
      };
      expect(claims.max_file_count_allowed).toBeGreaterThan(1000);
      expect(claims.exp).toBeGreaterThan(Date.now() / 1000);

      const deployVersion = async (text: string) => {
        const hash = Buffer.from(text).toString('hex').padEnd(32, '0').slice(0, 32);
        const auth = { authorization: `Bearer ${jwt}` };
        const missing = await fetch(`${h.emu.url}/pages/assets/check-missing`, {
          method: 'POST',
          headers: { ...auth, 'content-type': 'application/json' },
          body: JSON.stringify({ hashes: [hash] }),
        });
        const missingHashes = ((await missing.json()) as { result: string[] }).result;
        if (missingHashes.length > 0) {
          await fetch(`${h.emu.url}/pages/assets/upload`, {
            method: 'POST',
            headers: { ...auth, 'content-type': 'application/json' },
            body: JSON.stringify([
              {
                key: hash,
                value: Buffer.from(text).toString('base64'),
                metadata: { contentType: 'text/html' },
                base64: true,
              },
            ]),
          });
        }
        await fetch(`${h.emu.url}/pages/assets/upsert-hashes`, {
          method: 'POST',
          headers: { ...auth, 'content-type': 'application/json' },
          body: JSON.stringify({ hashes: [hash] }),
        });
        return cf.pages.projects.deployments.create('sdk-deploy', {
          account_id: accountId,
          manifest: JSON.stringify({ '/index.html': hash }),
          branch: 'main',
        } as never);
      };
      const first = await deployVersion('<p>one</p>');
      const second = await deployVersion('<p>two</p>');
      expect(first.latest_stage).toMatchObject({ name: 'deploy', status: 'success' });
      expect((await fetchSite(h.emu, 'sdk-deploy.pages.localhost', '/')).body).toBe('<p>two</p>');

      await cf.pages.projects.deployments.rollback(first.id as string, {
        account_id: accountId,
        project_name: 'sdk-deploy',
      });
      expect((await fetchSite(h.emu, 'sdk-deploy.pages.localhost', '/')).body).toBe('<p>one</p>');
      const project = await cf.pages.projects.get('sdk-deploy', { account_id: accountId });
      expect(project.canonical_deployment?.id).toBe(first.id);

      await cf.pages.projects.deployments.delete(second.id as string, {
        account_id: accountId,
        project_name: 'sdk-deploy',
      });
      const list = await cf.pages.projects.deployments.list('sdk-deploy', { account_id: accountId });
      expect(list.result.map((d) => d.id)).toEqual([first.id]);
      const got = await cf.pages.projects.deployments.get(first.id as string, {
        account_id: accountId,
        project_name: 'sdk-deploy',
      });
      expect(got.deployment_trigger?.metadata?.branch).toBe('main');
    });
  });

  describe('Workers scripts as the Terraform provider uploads them', () => {
    it('upload with bindings, read settings/content/service, enable subdomain, then it answers', async () => {
      const db = await cf.d1.database.create({ account_id: accountId, name: 'worker-sdk-db' });
      await cf.d1.database.query(db.uuid as string, {
        account_id: accountId,
        sql: "CREATE TABLE t (v TEXT); INSERT INTO t VALUES ('row');",
      });
      const ns = await cf.kv.namespaces.create({ account_id: accountId, title: 'worker-sdk-kv' });
      const source = `export default { async fetch(req, env) {
        const r = await env.DB.prepare('SELECT v FROM t').first('v');
        return Response.json({ r, plain: env.PLAIN, secret: env.SECRET, hasBrowser: typeof env.BROWSER?.fetch === 'function' });
      } };`;
      const bindings = [
        { type: 'd1', name: 'DB', id: db.uuid },
        { type: 'kv_namespace', name: 'KV', namespace_id: ns.id },
        { type: 'plain_text', name: 'PLAIN', text: 'plain value' },
        { type: 'secret_text', name: 'SECRET', text: 'secret value' },
        { type: 'browser', name: 'BROWSER' },
      ];
      const uploaded = await cf.workers.scripts.update('sdk-worker', {
        account_id: accountId,
        metadata: { main_module: 'worker.mjs', compatibility_date: '2025-01-01', bindings: bindings as never },
        files: [await toFile(Buffer.from(source), 'worker.mjs', { type: 'application/javascript+module' })],
      });
      expect(uploaded.etag).toBeTruthy();

      const settings = await api<{ bindings: Array<Record<string, unknown>>; compatibility_date: string }>(
        h.emu,
        'GET',
        `${account(h.emu)}/workers/scripts/sdk-worker/settings`,
      );
      expect(settings.body.result.bindings).toEqual(
        bindings.map((b) => (b.type === 'secret_text' ? { type: b.type, name: b.name } : b)),
      );
      expect(settings.body.result.compatibility_date).toBe('2025-01-01');
      const content = await fetch(`${h.emu.url}${account(h.emu)}/workers/scripts/sdk-worker/content`, {
        headers: { authorization: `Bearer ${TOKEN}` },
      });
      expect(await content.text()).toBe(source);
      const service = await api<{ default_environment: { script: { etag: string } } }>(
        h.emu,
        'GET',
        `${account(h.emu)}/workers/services/sdk-worker`,
      );
      expect(service.body.result.default_environment.script.etag).toBe(uploaded.etag);

      await cf.workers.scripts.subdomain.create('sdk-worker', { account_id: accountId, enabled: true });
      expect((await cf.workers.scripts.subdomain.get('sdk-worker', { account_id: accountId })).enabled).toBe(true);
      expect((await cf.workers.subdomains.get({ account_id: accountId })).subdomain).toBeTruthy();

      const res = await fetchSite(h.emu, 'sdk-worker.workers.localhost', '/');
      expect(JSON.parse(res.body)).toEqual({
        r: 'row',
        plain: 'plain value',
        secret: 'secret value',
        hasBrowser: true,
      });

      const disabled = await cf.workers.scripts.subdomain.delete('sdk-worker', { account_id: accountId });
      expect(disabled).toEqual({ enabled: false, previews_enabled: false });
      expect((await cf.workers.scripts.subdomain.get('sdk-worker', { account_id: accountId })).enabled).toBe(false);
      expect((await fetchSite(h.emu, 'sdk-worker.workers.localhost', '/')).status).toBe(404);

      await cf.workers.scripts.delete('sdk-worker', { account_id: accountId });
      const gone = await api(h.emu, 'GET', `${account(h.emu)}/workers/services/sdk-worker`);
      expect(gone.status).toBe(404);
    });
  });
});
