import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { type Context, Hono } from 'hono';
import { CfError, ok, paginate, readJson, requireString } from '../envelope.ts';
import { newUuid, nowIso } from '../ids.ts';
import { mergePatch } from '../pages/merge.ts';
import type { Deployment, DeploymentFiles, PagesProject } from '../pages/types.ts';
import { signUploadJwt } from '../pages/upload-token.ts';
import { deploymentsOf, deploymentView, productionDeployment, projectView } from '../pages/views.ts';
import type { Services } from './context.ts';

const PROJECT_NAME = /^[a-z0-9][a-z0-9-]{0,56}[a-z0-9]$|^[a-z0-9]$/;
/** Pages refuses single assets above 25 MiB. */
const MAX_ASSET_BYTES = 25 * 1024 * 1024;

export function deploymentDir(s: Services, id: string): string {
  return join(s.dataDir, 'deployments', id);
}

function project(s: Services, name: string): PagesProject {
  const p = s.state.doc.pages[name];
  if (!p)
    throw new CfError(
      404,
      8000007,
      `Project not found. The specified project name does not match any of your existing projects: ${name}.`,
    );
  return p;
}

function deployment(s: Services, p: PagesProject, id: string): Deployment {
  const d = deploymentsOf(s, p.name).find((x) => x.id === id || x.short_id === id);
  if (!d)
    throw new CfError(
      404,
      8000009,
      `Deployment ${id} not found in project ${p.name}: list them with GET …/deployments.`,
    );
  return d;
}

async function partText(form: FormData, name: string): Promise<string | undefined> {
  const v = form.get(name);
  if (v === null) return undefined;
  return typeof v === 'string' ? v : await v.text();
}

export function pagesRoutes(s: Services): Hono {
  const app = new Hono();
  const projectParam = (c: Context) => project(s, c.req.param('projectName') as string);

  app.get('/', (c) => {
    const list = Object.values(s.state.doc.pages);
    const { slice, info } = paginate(list, Number(c.req.query('page') ?? 1), Number(c.req.query('per_page') ?? 10));
    return ok(
      c,
      slice.map((p) => projectView(s, p)),
      info,
    );
  });

  app.post('/', async (c) => {
    const body = await readJson(c);
    const name = requireString(body, 'name', 8000000);
    if (!PROJECT_NAME.test(name)) {
      throw new CfError(
        400,
        8000011,
        `Invalid project name "${name}": use 1-58 lower-case letters, digits and dashes, not starting or ending with a dash.`,
      );
    }
    if (s.state.doc.pages[name])
      throw new CfError(400, 8000002, `A project with the name "${name}" already exists: pick another name.`);
    const production_branch =
      typeof body.production_branch === 'string' && body.production_branch !== '' ? body.production_branch : 'main';
    const { name: _n, production_branch: _b, ...rest } = body;
    const written = mergePatch({}, rest) as Record<string, unknown>;
    const p: PagesProject = { id: newUuid(), name, created_on: nowIso(), production_branch, written };
    s.state.doc.pages[name] = p;
    s.state.doc.deployments[name] = [];
    s.state.save();
    return ok(c, projectView(s, p));
  });

  app.get('/:projectName', (c) => ok(c, projectView(s, projectParam(c))));

  app.patch('/:projectName', async (c) => {
    const p = projectParam(c);
    const body = await readJson(c);
    const { name: _n, production_branch, ...rest } = body;
    if (typeof production_branch === 'string' && production_branch !== '') p.production_branch = production_branch;
    p.written = mergePatch(p.written, rest) as Record<string, unknown>;
    s.state.save();
    s.runtime.invalidate();
    return ok(c, projectView(s, p));
  });

  app.delete('/:projectName', (c) => {
    const p = projectParam(c);
    for (const d of deploymentsOf(s, p.name)) rmSync(deploymentDir(s, d.id), { recursive: true, force: true });
    delete s.state.doc.pages[p.name];
    delete s.state.doc.deployments[p.name];
    delete s.state.doc.domains[p.name];
    s.state.save();
    s.runtime.invalidate();
    return ok(c, null);
  });

  app.get('/:projectName/upload-token', async (c) => ok(c, { jwt: await signUploadJwt(s, projectParam(c).name) }));

  app.get('/:projectName/deployments', (c) => {
    const p = projectParam(c);
    let list = deploymentsOf(s, p.name);
    const env = c.req.query('env');
    if (env) list = list.filter((d) => d.environment === env);
    const { slice, info } = paginate(list, Number(c.req.query('page') ?? 1), Number(c.req.query('per_page') ?? 25));
    return ok(
      c,
      slice.map((d) => deploymentView(s, p, d)),
      info,
    );
  });

  app.post('/:projectName/deployments', async (c) => {
    const p = projectParam(c);
    const type = c.req.header('content-type') ?? '';
    if (!type.startsWith('multipart/form-data')) {
      throw new CfError(
        400,
        8000096,
        'Deployments are created with a multipart/form-data body holding at least a "manifest" part.',
      );
    }
    const form = await c.req.formData();
    const manifestText = await partText(form, 'manifest');
    if (manifestText === undefined)
      throw new CfError(400, 8000096, 'Missing "manifest" part: send a JSON object mapping "/path" to asset hash.');
    let manifest: Record<string, string>;
    try {
      manifest = JSON.parse(manifestText) as Record<string, string>;
    } catch {
      throw new CfError(400, 8000096, 'The "manifest" part is not valid JSON.');
    }
    if (typeof manifest !== 'object' || manifest === null || Array.isArray(manifest)) {
      throw new CfError(400, 8000096, 'The "manifest" part must be a JSON object mapping "/path" to asset hash.');
    }
    const missing = Object.values(manifest).filter((h) => typeof h !== 'string' || !s.blobs.has(h));
    if (missing.length > 0) {
      throw new CfError(
        400,
        8000096,
        `${missing.length} manifest hash(es) were never uploaded (first: ${String(missing[0])}): upload them via /pages/assets/upload first.`,
      );
    }
    const branch = (await partText(form, 'branch')) || p.production_branch;
    const id = newUuid();
    const files: DeploymentFiles = { manifest };
    const dir = deploymentDir(s, id);
    mkdirSync(dir, { recursive: true });
    for (const [part, key] of [
      ['_headers', 'headers'],
      ['_redirects', 'redirects'],
      ['_routes.json', 'routes'],
    ] as const) {
      const text = await partText(form, part);
      if (text !== undefined) files[key] = text;
    }
    const bundle = form.get('_worker.bundle');
    const script = form.get('_worker.js');
    if (bundle !== null) {
      writeFileSync(
        join(dir, '_worker.bundle'),
        typeof bundle === 'string' ? bundle : Buffer.from(await bundle.arrayBuffer()),
      );
      files.worker = 'bundle';
    } else if (script !== null) {
      writeFileSync(
        join(dir, '_worker.js'),
        typeof script === 'string' ? script : Buffer.from(await script.arrayBuffer()),
      );
      files.worker = 'script';
    }
    const envName = branch === p.production_branch ? 'production' : 'preview';
    const envConfig = ((p.written.deployment_configs as Record<string, Record<string, unknown>> | undefined)?.[
      envName
    ] ?? {}) as Record<string, unknown>;
    const commitDirty = await partText(form, 'commit_dirty');
    const d: Deployment = {
      id,
      short_id: id.slice(0, 8),
      project_name: p.name,
      environment: envName,
      branch,
      created_on: nowIso(),
      files,
      env_vars: (envConfig.env_vars as Record<string, unknown> | undefined) ?? {},
      config_snapshot: structuredClone(envConfig),
      received_parts: [...new Set(form.keys())],
    };
    if (form.has('wrangler_config_hash')) {
      // Cloudflare would let the uploaded wrangler config take over the project's bindings; the emulator keeps the
      // project's own config and says so, because a deploy that ships a config is usually a mistake here.
      console.warn(
        `[emulator] deployment to ${p.name} included a wrangler config (pages_build_output_dir=${await partText(form, 'pages_build_output_dir')})`,
      );
    }
    const commitHash = await partText(form, 'commit_hash');
    const commitMessage = await partText(form, 'commit_message');
    if (commitHash !== undefined) d.commit_hash = commitHash;
    if (commitMessage !== undefined) d.commit_message = commitMessage;
    if (commitDirty !== undefined) d.commit_dirty = commitDirty === 'true';
    if (envName === 'production') delete p.canonical_deployment_id;
    s.state.doc.deployments[p.name] = [d, ...deploymentsOf(s, p.name)];
    s.state.save();
    s.runtime.invalidate();
    return ok(c, deploymentView(s, p, d));
  });

  app.get('/:projectName/deployments/:deploymentId', (c) => {
    const p = projectParam(c);
    return ok(c, deploymentView(s, p, deployment(s, p, c.req.param('deploymentId'))));
  });

  app.get('/:projectName/deployments/:deploymentId/history/logs', (c) => {
    const p = projectParam(c);
    const d = deployment(s, p, c.req.param('deploymentId'));
    const data = [{ ts: d.created_on, line: 'Success: Your site was deployed!' }];
    return ok(c, { total: data.length, includes_container_logs: false, data });
  });

  app.delete('/:projectName/deployments/:deploymentId', (c) => {
    const p = projectParam(c);
    const d = deployment(s, p, c.req.param('deploymentId'));
    if (productionDeployment(s, p)?.id === d.id && c.req.query('force') !== 'true') {
      throw new CfError(
        400,
        8000034,
        'Cannot delete the active production deployment: deploy or roll back to another one first, or pass ?force=true.',
      );
    }
    s.state.doc.deployments[p.name] = deploymentsOf(s, p.name).filter((x) => x.id !== d.id);
    if (p.canonical_deployment_id === d.id) delete p.canonical_deployment_id;
    s.state.save();
    rmSync(deploymentDir(s, d.id), { recursive: true, force: true });
    s.runtime.invalidate();
    return ok(c, null);
  });

  app.post('/:projectName/deployments/:deploymentId/rollback', (c) => {
    const p = projectParam(c);
    const d = deployment(s, p, c.req.param('deploymentId'));
    if (d.environment !== 'production') {
      throw new CfError(
        400,
        8000035,
        'Only production deployments can be rolled back to: pick a deployment with environment "production".',
      );
    }
    p.canonical_deployment_id = d.id;
    s.state.save();
    s.runtime.invalidate();
    return ok(c, deploymentView(s, p, d));
  });

  app.get('/:projectName/domains', (c) => {
    const p = projectParam(c);
    const list = s.state.doc.domains[p.name] ?? [];
    return ok(c, list.map(domainView), {
      page: 1,
      per_page: list.length,
      count: list.length,
      total_count: list.length,
      total_pages: 1,
    });
  });

  app.post('/:projectName/domains', async (c) => {
    const p = projectParam(c);
    const name = requireString(await readJson(c), 'name', 8000000);
    const list = s.state.doc.domains[p.name] ?? [];
    if (list.some((d) => d.name === name))
      throw new CfError(400, 8000018, `The domain ${name} is already attached to ${p.name}.`);
    const d = { id: newUuid(), name, created_on: nowIso() };
    s.state.doc.domains[p.name] = [...list, d];
    s.state.save();
    return ok(c, domainView(d));
  });

  const domain = (c: Context) => {
    const p = projectParam(c);
    const name = c.req.param('domainName') as string;
    const d = (s.state.doc.domains[p.name] ?? []).find((x) => x.name === name || x.id === name);
    if (!d) throw new CfError(404, 8000010, `Domain ${name} is not attached to project ${p.name}.`);
    return { p, d };
  };
  app.get('/:projectName/domains/:domainName', (c) => ok(c, domainView(domain(c).d)));
  app.patch('/:projectName/domains/:domainName', (c) => ok(c, domainView(domain(c).d)));
  app.delete('/:projectName/domains/:domainName', (c) => {
    const { p, d } = domain(c);
    s.state.doc.domains[p.name] = (s.state.doc.domains[p.name] ?? []).filter((x) => x.id !== d.id);
    s.state.save();
    return ok(c, null);
  });

  return app;
}

function domainView(d: { id: string; name: string; created_on: string }) {
  return {
    id: d.id,
    domain_id: d.id,
    name: d.name,
    status: 'active',
    created_on: d.created_on,
    certificate_authority: 'google',
    verification_data: { status: 'active' },
    validation_data: { status: 'active', method: 'http' },
    zone_tag: '',
  };
}

/** Asset endpoints: authenticated by the upload JWT (checked in the app before these run). */
export function pagesAssetRoutes(s: Services): Hono {
  const app = new Hono();
  const hashesOf = async (c: Context): Promise<string[]> => {
    const body = await readJson(c);
    if (!Array.isArray(body.hashes) || body.hashes.some((h) => typeof h !== 'string')) {
      throw new CfError(400, 8000096, 'Send {"hashes": ["<hash>", …]}.');
    }
    return body.hashes as string[];
  };

  app.post('/check-missing', async (c) =>
    ok(
      c,
      (await hashesOf(c)).filter((h) => !s.blobs.has(h)),
    ),
  );

  app.post('/upload', async (c) => {
    const items = await readJson<unknown>(c);
    if (!Array.isArray(items)) throw new CfError(400, 8000096, 'Send a JSON array of {key, value, metadata, base64}.');
    const decoded: Array<[string, Buffer]> = [];
    for (const [i, raw] of items.entries()) {
      const item = raw as { key?: unknown; value?: unknown; base64?: unknown };
      if (typeof item?.key !== 'string' || typeof item.value !== 'string') {
        throw new CfError(400, 8000096, `Upload item ${i} needs string "key" (the hash) and "value" fields.`);
      }
      const data = item.base64 ? Buffer.from(item.value, 'base64') : Buffer.from(item.value, 'utf8');
      if (data.length > MAX_ASSET_BYTES) {
        throw new CfError(
          413,
          8000034,
          `Asset ${item.key} is ${data.length} bytes; Pages accepts at most ${MAX_ASSET_BYTES} bytes per file.`,
        );
      }
      decoded.push([item.key, data]);
    }
    for (const [key, data] of decoded) s.blobs.put(key, data);
    return ok(c, { successful_key_count: decoded.length, unsuccessful_keys: [] });
  });

  app.post('/upsert-hashes', async (c) => {
    await hashesOf(c);
    return ok(c, true);
  });
  return app;
}
