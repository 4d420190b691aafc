import { beforeAll, describe, expect, it } from 'vitest';
import { type CloudflareClient, DEFAULT_MAX_RETRIES, type PagesDeployment } from '../../src/index.js';
import { HOOK_TIMEOUT_MS, useEmulator } from './support/emulator.js';
import { pagesDeploy, writeStaticSite } from './support/wrangler.js';

// One emulator for the file; tests run in order, and the last block re-reads after a restart what the earlier
// ones wrote. Deployments are made by the real wrangler CLI.
const harness = useEmulator('pages');
const PROJECT = 'sdk-conformance-site';
// More projects than one page of listProjects (10 per page) holds.
// Each wrangler run starts a Node process and uploads assets: seconds on an idle machine, more on a busy one.
const WRANGLER_TIMEOUT_MS = 120_000;
const FILLERS = Array.from({ length: 11 }, (_, i) => `sdk-conformance-filler-${i}`);

describe('cf.pages against the emulator', () => {
  let cf: CloudflareClient;
  let production: PagesDeployment;
  let preview: PagesDeployment;

  beforeAll(async () => {
    cf = harness().client();
    const official = harness().official();
    for (const name of [PROJECT, ...FILLERS]) {
      await official.pages.projects.create({ account_id: cf.accountId, name, production_branch: 'main' });
    }
  }, HOOK_TIMEOUT_MS);

  it('listProjects collects every page', async () => {
    const names = (await cf.pages.listProjects()).map((p) => p.name);
    expect(names.sort()).toEqual([PROJECT, ...FILLERS].sort());
  });

  it('getProject returns the project as created', async () => {
    const project = await cf.pages.getProject(PROJECT);
    expect(project).toMatchObject({ name: PROJECT, production_branch: 'main' });
    expect(project.subdomain).toContain(PROJECT);
  });

  it('a project without deployments lists none and has no latest', async () => {
    expect(await cf.pages.listDeployments(PROJECT)).toEqual([]);
    expect(await cf.pages.latestDeployment(PROJECT)).toBeNull();
  });

  it(
    'after wrangler deploys production then a preview, both are listed newest first',
    async () => {
      await pagesDeploy(harness().emu, writeStaticSite('v1'), PROJECT, 'main');
      // created_on has millisecond resolution; keep the two deployments apart so "newest" is well defined.
      await new Promise((r) => setTimeout(r, 20));
      await pagesDeploy(harness().emu, writeStaticSite('v2'), PROJECT, 'feature-x');

      const all = await cf.pages.listDeployments(PROJECT);
      expect(all.map((d) => d.environment)).toEqual(['preview', 'production']);
      [preview, production] = all as [PagesDeployment, PagesDeployment];
      expect(Date.parse(preview.created_on)).toBeGreaterThan(Date.parse(production.created_on));
      for (const d of all) {
        expect(d).toMatchObject({ project_name: PROJECT });
        expect(d.id).toMatch(/^[0-9a-f-]{36}$/);
        expect(d.url).toMatch(/^https?:\/\//);
      }
    },
    WRANGLER_TIMEOUT_MS,
  );

  it('listDeployments filters by environment', async () => {
    expect((await cf.pages.listDeployments(PROJECT, { env: 'production' })).map((d) => d.id)).toEqual([production.id]);
    expect((await cf.pages.listDeployments(PROJECT, { env: 'preview' })).map((d) => d.id)).toEqual([preview.id]);
  });

  it('latestDeployment is the newest, overall and per environment', async () => {
    expect((await cf.pages.latestDeployment(PROJECT))?.id).toBe(preview.id);
    expect((await cf.pages.latestDeployment(PROJECT, { env: 'production' }))?.id).toBe(production.id);
  });

  it('getProject reports the production deployment', async () => {
    const project = await cf.pages.getProject(PROJECT);
    expect(project.canonical_deployment?.id).toBe(production.id);
  });

  describe('after the emulator restarts on the same data dir', () => {
    beforeAll(() => harness().restart(), HOOK_TIMEOUT_MS);

    it('a client with the default retries reads right away', async () => {
      // See kv.test.ts: the first request may meet a keep-alive socket the old server closed.
      const retrying = harness().client({ maxRetries: DEFAULT_MAX_RETRIES });
      expect((await retrying.pages.getProject(PROJECT)).name).toBe(PROJECT);
    });

    it('the same client and a fresh one read everything written before', async () => {
      for (const client of [cf, harness().client()]) {
        expect((await client.pages.listProjects()).map((p) => p.name).sort()).toEqual([PROJECT, ...FILLERS].sort());
        expect((await client.pages.listDeployments(PROJECT)).map((d) => d.id)).toEqual([preview.id, production.id]);
        expect((await client.pages.latestDeployment(PROJECT))?.id).toBe(preview.id);
        expect((await client.pages.latestDeployment(PROJECT, { env: 'production' }))?.id).toBe(production.id);
      }
    });
  });
});
