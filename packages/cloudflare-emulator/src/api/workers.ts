import { createHash } from 'node:crypto';
import { rmSync } from 'node:fs';
import { type Context, Hono } from 'hono';
import { CfError, ok, readJson } from '../envelope.ts';
import { newHexId, newUuid, nowIso } from '../ids.ts';
import { bindingProblem } from '../serve/binding-plan.ts';
import { parseWorkerForm } from '../serve/bundle.ts';
import { readScriptModules, scriptDir, writeScriptModules } from '../workers/files.ts';
import type { WorkerScript } from '../workers/types.ts';
import type { Services } from './context.ts';

const SCRIPT_NAME = /^[a-z0-9_][a-z0-9-_]{0,62}$/;
/** Workers refuses scripts above 10 MiB compressed; the emulator applies the limit to the raw upload. */
const MAX_SCRIPT_BYTES = 10 * 1024 * 1024;

function script(s: Services, name: string): WorkerScript {
  const w = s.state.doc.scripts[name];
  if (!w) throw new CfError(404, 10007, `This Worker does not exist on your account: no script named "${name}".`);
  return w;
}

function scriptView(w: WorkerScript) {
  return {
    id: w.name,
    tag: w.id,
    etag: w.etag,
    created_on: w.created_on,
    modified_on: w.modified_on,
    handlers: ['fetch'],
    named_handlers: [],
    has_assets: false,
    has_modules: w.modules.some((m) => m.type === 'ESModule'),
    last_deployed_from: 'api',
    logpush: false,
    // placement_mode, placement_status and migration_tag are left out, not null, and compatibility_date when it was
    // never set: the SDK types them optional, never null (Smart Placement is off, there are no Durable Objects).
    startup_time_ms: 0,
    usage_model: 'standard',
    ...(w.metadata.compatibility_date ? { compatibility_date: w.metadata.compatibility_date } : {}),
    compatibility_flags: w.metadata.compatibility_flags ?? [],
    deployment_id: w.deployment_id,
    tail_consumers: null,
    placement: {},
  };
}

/** Bindings as Cloudflare reports them: as written, except that secret values never come back. */
function bindingsView(w: WorkerScript) {
  return ((w.metadata.bindings ?? []) as Array<Record<string, unknown>>).map((b) => {
    if (b.type !== 'secret_text') return b;
    const { text: _hidden, ...rest } = b;
    return rest;
  });
}

function settingsView(w: WorkerScript) {
  const m = w.metadata;
  const out: Record<string, unknown> = {
    bindings: bindingsView(w),
    compatibility_date: m.compatibility_date ?? '',
    compatibility_flags: m.compatibility_flags ?? [],
    logpush: m.logpush ?? false,
    placement: m.placement ?? {},
    tail_consumers: m.tail_consumers ?? [],
    usage_model: m.usage_model ?? 'standard',
    tags: m.tags ?? [],
  };
  if (m.observability !== undefined) out.observability = m.observability;
  if (m.limits !== undefined) out.limits = m.limits;
  return out;
}

function versionView(w: WorkerScript, v: WorkerScript['versions'][number]) {
  return {
    id: v.id,
    number: v.number,
    metadata: {
      author_email: 'local@emulator.localhost',
      author_id: 'local',
      created_on: v.created_on,
      modified_on: v.created_on,
      source: 'api',
      hasPreview: false,
    },
    annotations: { 'workers/triggered_by': 'upload' },
    resources: {
      script: { etag: v.etag, handlers: ['fetch'] },
      script_runtime: {
        compatibility_date: w.metadata.compatibility_date,
        compatibility_flags: w.metadata.compatibility_flags ?? [],
        usage_model: 'standard',
      },
      bindings: bindingsView(w),
    },
  };
}

function deploymentView(w: WorkerScript) {
  const latest = w.versions.at(-1);
  return {
    id: w.deployment_id,
    source: 'api',
    strategy: 'percentage',
    author_email: 'local@emulator.localhost',
    created_on: w.deployment_created_on,
    annotations: { 'workers/triggered_by': 'upload' },
    versions: latest ? [{ version_id: latest.id, percentage: 100 }] : [],
  };
}

/**
 * The body is multipart. The official SDK labels it `application/javascript` while sending a multipart body, so the
 * boundary is taken from the body's first line when the header has none.
 */
async function readUpload(c: Context) {
  const type = c.req.header('content-type') ?? '';
  const bytes = new Uint8Array(await c.req.arrayBuffer());
  if (bytes.length > MAX_SCRIPT_BYTES) {
    throw new CfError(
      413,
      10027,
      `Script upload is ${bytes.length} bytes; Workers accepts at most ${MAX_SCRIPT_BYTES}: shrink the bundle.`,
    );
  }
  const firstLine = new TextDecoder().decode(bytes.subarray(0, 200)).split(/\r?\n/)[0] ?? '';
  const boundary =
    /boundary=("?)([^";]+)\1/.exec(type)?.[2] ?? (firstLine.startsWith('--') ? firstLine.slice(2).trim() : undefined);
  if (!boundary) {
    throw new CfError(
      400,
      10021,
      'Upload the script as multipart/form-data with a "metadata" part and the module parts.',
    );
  }
  try {
    const form = await new Response(bytes, {
      headers: { 'content-type': `multipart/form-data; boundary=${boundary}` },
    }).formData();
    return await parseWorkerForm(form);
  } catch (e) {
    throw new CfError(400, 10021, `Invalid Worker upload: ${(e as Error).message}.`);
  }
}

export function workersRoutes(s: Services): Hono {
  const app = new Hono();
  const nameParam = (c: Context) => c.req.param('scriptName') as string;

  const upload = async (c: Context) => {
    const name = nameParam(c);
    if (!SCRIPT_NAME.test(name))
      throw new CfError(400, 10016, `Invalid Worker name "${name}": use lower-case letters, digits, - and _.`);
    const parsed = await readUpload(c);
    if (!parsed.modules.some((m) => m.path === parsed.mainModule)) {
      throw new CfError(
        400,
        10021,
        `main_module "${parsed.mainModule}" is not among the uploaded parts: add a part with that name.`,
      );
    }
    const problem = bindingProblem((parsed.metadata.bindings ?? []) as Array<Record<string, unknown>>);
    if (problem) throw new CfError(400, 10021, `Invalid binding: ${problem}.`);
    const previous = s.state.doc.scripts[name];
    const keep = (parsed.metadata.keep_bindings ?? []) as string[];
    if (previous && keep.length > 0) {
      const kept = ((previous.metadata.bindings ?? []) as Array<Record<string, unknown>>).filter((b) =>
        keep.includes(String(b.type)),
      );
      parsed.metadata.bindings = [...kept, ...((parsed.metadata.bindings ?? []) as unknown[])];
    }
    const now = nowIso();
    const etag = createHash('sha256')
      .update(JSON.stringify(parsed.metadata))
      .update(
        parsed.modules
          .map((m) => (typeof m.contents === 'string' ? m.contents : Buffer.from(m.contents).toString('base64')))
          .join('\0'),
      )
      .digest('hex');
    const versions = previous?.versions ?? [];
    const version = { id: newUuid(), number: versions.length + 1, created_on: now, etag };
    const w: WorkerScript = {
      id: previous?.id ?? newHexId(),
      name,
      created_on: previous?.created_on ?? now,
      modified_on: now,
      etag,
      metadata: parsed.metadata,
      modules: parsed.modules.map((m) => ({ name: m.path, type: m.type })),
      subdomain_enabled: previous?.subdomain_enabled ?? false,
      previews_enabled: previous?.previews_enabled ?? false,
      versions: [...versions, version].slice(-50),
      deployment_id: newUuid(),
      deployment_created_on: now,
    };
    writeScriptModules(s, name, parsed.modules);
    s.state.doc.scripts[name] = w;
    s.state.save();
    s.runtime.invalidate();
    return w;
  };

  app.get('/scripts', (c) => ok(c, Object.values(s.state.doc.scripts).map(scriptView)));

  app.put('/scripts/:scriptName', async (c) => {
    const w = await upload(c);
    const view: Record<string, unknown> = scriptView(w);
    if (c.req.query('include_subdomain_availability') !== undefined) view.available_on_subdomain = w.subdomain_enabled;
    return ok(c, view);
  });

  const content = (c: Context) => {
    const w = script(s, nameParam(c));
    const main = String(w.metadata.main_module ?? w.metadata.body_part ?? w.modules[0]?.name);
    const entry = w.modules.find((m) => m.name === main) ?? w.modules[0];
    if (!entry) return c.body(null, 204);
    const [mod] = readScriptModules(s, w.name, [entry]);
    const type = entry.type === 'ESModule' ? 'application/javascript+module' : 'application/javascript';
    const body = typeof mod?.contents === 'string' ? mod.contents : Buffer.from(mod?.contents ?? []);
    return c.body(body, 200, { 'content-type': type, 'cf-entrypoint': main });
  };
  app.get('/scripts/:scriptName', content);
  app.get('/scripts/:scriptName/content', content);
  app.get('/scripts/:scriptName/content/v2', content);

  const remove = (c: Context) => {
    const w = script(s, nameParam(c));
    delete s.state.doc.scripts[w.name];
    s.state.save();
    rmSync(scriptDir(s, w.name), { recursive: true, force: true });
    s.runtime.invalidate();
    return ok(c, null);
  };
  app.delete('/scripts/:scriptName', remove);
  app.delete('/services/:scriptName', remove);

  // No Durable Object namespaces are emulated; wrangler lists them before deleting a Worker.
  app.get('/durable_objects/namespaces', (c) =>
    ok(c, [], { page: 1, per_page: 20, count: 0, total_count: 0, total_pages: 1 }),
  );

  const getSettings = (c: Context) => ok(c, settingsView(script(s, nameParam(c))));
  const patchSettings = async (c: Context) => {
    const w = script(s, nameParam(c));
    let patch: Record<string, unknown>;
    if ((c.req.header('content-type') ?? '').startsWith('multipart/form-data')) {
      const form = await c.req.formData();
      const part = form.get('settings');
      patch = JSON.parse(typeof part === 'string' ? part : ((await part?.text()) ?? '{}')) as Record<string, unknown>;
    } else {
      patch = await readJson(c);
    }
    for (const [k, v] of Object.entries(patch)) {
      if (v === null) delete w.metadata[k];
      else w.metadata[k] = v;
    }
    s.state.save();
    s.runtime.invalidate();
    return ok(c, settingsView(w));
  };
  app.get('/scripts/:scriptName/settings', getSettings);
  app.patch('/scripts/:scriptName/settings', patchSettings);
  app.get('/scripts/:scriptName/script-settings', getSettings);
  app.patch('/scripts/:scriptName/script-settings', patchSettings);

  app.get('/scripts/:scriptName/subdomain', (c) => {
    const w = script(s, nameParam(c));
    return ok(c, { enabled: w.subdomain_enabled, previews_enabled: w.previews_enabled });
  });
  app.post('/scripts/:scriptName/subdomain', async (c) => {
    const w = script(s, nameParam(c));
    const body = await readJson(c);
    if (typeof body.enabled === 'boolean') w.subdomain_enabled = body.enabled;
    if (typeof body.previews_enabled === 'boolean') w.previews_enabled = body.previews_enabled;
    s.state.save();
    return ok(c, { enabled: w.subdomain_enabled, previews_enabled: w.previews_enabled });
  });

  // "Disable all workers.dev subdomains for a Worker script": the script stays, reachable only through routes.
  app.delete('/scripts/:scriptName/subdomain', (c) => {
    const w = script(s, nameParam(c));
    w.subdomain_enabled = false;
    w.previews_enabled = false;
    s.state.save();
    return ok(c, { enabled: false, previews_enabled: false });
  });

  app.get('/subdomain', (c) => {
    // Every emulated account starts with a subdomain, so wrangler deploy never stops to ask for one.
    return ok(c, { subdomain: s.state.doc.subdomain ?? 'local' });
  });
  app.put('/subdomain', async (c) => {
    const body = await readJson(c);
    if (typeof body.subdomain !== 'string' || body.subdomain === '')
      throw new CfError(400, 10026, 'Send {"subdomain": "<name>"}.');
    s.state.doc.subdomain = body.subdomain;
    s.state.save();
    return ok(c, { subdomain: body.subdomain });
  });

  app.get('/services/:scriptName', (c) => {
    const w = s.state.doc.scripts[nameParam(c)];
    if (!w) throw new CfError(404, 10090, `workers.api.error.service_not_found: no Worker named "${nameParam(c)}".`);
    return ok(c, {
      id: w.name,
      created_on: w.created_on,
      modified_on: w.modified_on,
      default_environment: {
        environment: 'production',
        created_on: w.created_on,
        modified_on: w.modified_on,
        script: scriptView(w),
      },
      environments: [{ environment: 'production', created_on: w.created_on, modified_on: w.modified_on }],
    });
  });

  // The newer Workers resource API: wrangler reads the script's workers.dev state from here.
  const workerView = (w: WorkerScript) => ({
    id: w.id,
    name: w.name,
    created_on: w.created_on,
    updated_on: w.modified_on,
    logpush: false,
    tags: [],
    observability: (w.metadata.observability as unknown) ?? { enabled: false },
    subdomain: { enabled: w.subdomain_enabled, previews_enabled: w.previews_enabled },
    previews_base_config: (w.metadata.previews_base_config as unknown) ?? {},
    references: {},
  });
  app.get('/workers/:scriptName', (c) => ok(c, workerView(script(s, nameParam(c)))));
  app.patch('/workers/:scriptName', async (c) => {
    const w = script(s, nameParam(c));
    const body = await readJson(c);
    const sub = body.subdomain as { enabled?: boolean; previews_enabled?: boolean } | undefined;
    if (typeof sub?.enabled === 'boolean') w.subdomain_enabled = sub.enabled;
    if (typeof sub?.previews_enabled === 'boolean') w.previews_enabled = sub.previews_enabled;
    if (body.previews_base_config !== undefined) w.metadata.previews_base_config = body.previews_base_config;
    s.state.save();
    return ok(c, workerView(w));
  });

  app.get('/scripts/:scriptName/versions', (c) => {
    const w = script(s, nameParam(c));
    const items = [...w.versions].reverse().map((v) => versionView(w, v));
    return ok(
      c,
      { items },
      { page: 1, per_page: items.length, count: items.length, total_count: items.length, total_pages: 1 },
    );
  });
  app.get('/scripts/:scriptName/versions/:versionId', (c) => {
    const w = script(s, nameParam(c));
    const v = w.versions.find((x) => x.id === c.req.param('versionId'));
    if (!v) throw new CfError(404, 10221, `Version ${c.req.param('versionId')} not found for Worker ${w.name}.`);
    return ok(c, versionView(w, v));
  });
  app.post('/scripts/:scriptName/versions', async (c) => {
    const w = await upload(c);
    return ok(c, versionView(w, w.versions.at(-1) as WorkerScript['versions'][number]));
  });

  app.get('/scripts/:scriptName/deployments', (c) => ok(c, { deployments: [deploymentView(script(s, nameParam(c)))] }));
  app.post('/scripts/:scriptName/deployments', async (c) => {
    const w = script(s, nameParam(c));
    const body = await readJson(c);
    const versions = (body.versions ?? []) as Array<{ version_id: string }>;
    if (versions.some((v) => !w.versions.some((x) => x.id === v.version_id))) {
      throw new CfError(
        400,
        10221,
        'Deployment names a version this Worker does not have: list them with GET …/versions.',
      );
    }
    w.deployment_id = newUuid();
    w.deployment_created_on = nowIso();
    s.state.save();
    return ok(c, deploymentView(w));
  });

  app.get('/scripts/:scriptName/secrets', (c) => {
    const w = script(s, nameParam(c));
    return ok(
      c,
      bindingsView(w).filter((b) => b.type === 'secret_text'),
    );
  });
  app.get('/scripts/:scriptName/schedules', (c) => {
    script(s, nameParam(c));
    return ok(c, { schedules: [] });
  });
  app.put('/scripts/:scriptName/schedules', (c) => {
    script(s, nameParam(c));
    return ok(c, { schedules: [] });
  });

  return app;
}
