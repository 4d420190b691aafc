import { readFileSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { Miniflare, type MiniflareOptions, supportedCompatibilityDate, type WorkerOptions } from 'miniflare';
import type { Services } from '../api/context.ts';
import { deploymentDir } from '../api/pages.ts';
import type { Deployment, PagesProject } from '../pages/types.ts';
import { branchAlias, deploymentsOf, productionDeployment } from '../pages/views.ts';
import { readScriptModules } from '../workers/files.ts';
import { createBackend } from './backend.ts';
import { type BindingPlan, type NativeBindings, pagesBindings, scriptBindings } from './binding-plan.ts';
import { parseBundleFile, type WorkerModule } from './bundle.ts';
import { parseHost } from './host.ts';
import { matchRedirect, parseHeaders, parseRedirects, routesToWorker } from './pages-rules.ts';
import { consumerScripts, queueConsumersOf } from './queue-consumers.ts';
import type { R2BucketHandle, Runtime } from './runtime.ts';
import { serveAsset } from './static-assets.ts';

const SHIM_SOURCE = readFileSync(new URL('./shims/bindings.js', import.meta.url), 'utf8');

/** workerd refuses dates newer than it knows; a project may be configured ahead of the local runtime. */
function compatDate(date: unknown): string {
  const d = typeof date === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(date) ? date : '2024-01-01';
  // ISO dates order as strings: the earlier of the two.
  return [d, supportedCompatibilityDate].sort()[0] as string;
}

function entryModule(mainModule: string, plan: BindingPlan): string {
  return `import * as user from ${JSON.stringify(`./${mainModule}`)};
import { buildEnv } from './__emulator/bindings.js';
const PLAN = ${JSON.stringify(plan)};
const worker = user.default;
export default {
  fetch(request, env, ctx) { return worker.fetch(request, buildEnv(env, PLAN), ctx); },
  scheduled(controller, env, ctx) { return worker.scheduled?.(controller, buildEnv(env, PLAN), ctx); },
  queue(batch, env, ctx) { return worker.queue?.(batch, buildEnv(env, PLAN), ctx); },
};
`;
}

/** Where a service binding leads: a Worker script of the account, or (none by that name) an answer saying so. */
type ServiceTarget = string | ((request: Request) => Response);

function workerOptions(
  name: string,
  modules: WorkerModule[],
  mainModule: string,
  plan: BindingPlan,
  native: NativeBindings,
  resolveService: (script: string) => ServiceTarget,
  date: unknown,
  flags: unknown,
  backend: unknown,
): WorkerOptions {
  const root = `/__emulator_virtual/${name}`;
  const services = Object.fromEntries(
    Object.entries(native.services).map(([binding, script]) => [binding, resolveService(script)]),
  );
  return {
    name,
    modulesRoot: root,
    modules: [
      { type: 'ESModule', path: `${root}/__emulator_entry.mjs`, contents: entryModule(mainModule, plan) },
      { type: 'ESModule', path: `${root}/__emulator/bindings.js`, contents: SHIM_SOURCE },
      ...modules.map((m) => ({ ...m, path: `${root}/${m.path}` })),
    ] as WorkerOptions['modules'],
    compatibilityDate: compatDate(date),
    compatibilityFlags: Array.isArray(flags) ? (flags as string[]) : [],
    serviceBindings: { ...services, __EMULATOR: backend },
    r2Buckets: native.r2Buckets,
    queueProducers: native.queueProducers,
    ratelimits: native.ratelimits,
  } as WorkerOptions;
}

async function writeResponse(res: ServerResponse, response: Response): Promise<void> {
  const headers: Record<string, string | string[]> = {};
  response.headers.forEach((value, key) => {
    if (key === 'set-cookie') return;
    headers[key] = value;
  });
  const cookies = response.headers.getSetCookie();
  if (cookies.length > 0) headers['set-cookie'] = cookies;
  res.writeHead(response.status, headers);
  if (!response.body) {
    res.end();
    return;
  }
  await new Promise<void>((resolve, reject) => {
    Readable.fromWeb(response.body as import('node:stream/web').ReadableStream)
      .on('error', reject)
      .pipe(res)
      .on('finish', resolve)
      .on('error', reject);
  });
}

function toRequest(req: IncomingMessage, host: string): Request {
  const headers = new Headers();
  for (const [k, v] of Object.entries(req.headers)) {
    if (v === undefined) continue;
    for (const item of Array.isArray(v) ? v : [v]) headers.append(k, item);
  }
  const method = req.method ?? 'GET';
  const hasBody = method !== 'GET' && method !== 'HEAD';
  return new Request(`http://${host}${req.url ?? '/'}`, {
    method,
    headers,
    ...(hasBody ? { body: Readable.toWeb(req) as ReadableStream, duplex: 'half' } : {}),
  } as RequestInit);
}

/**
 * One Miniflare instance runs every served Worker: Pages deployments with a `_worker.js` and uploaded scripts.
 * Workers are added the first time they are requested; any deployment or config change marks the set dirty and the
 * next request reconfigures Miniflare (setOptions), so new code serves without restarting the emulator.
 */
export function createRuntime(s: Services): Runtime {
  let mf: Miniflare | undefined;
  let dirty = true;
  const wanted = new Set<string>();
  let queue: Promise<unknown> = Promise.resolve();
  const bundles = new Map<string, Promise<{ modules: WorkerModule[]; mainModule: string }>>();

  const rulesCache = new Map<string, ReturnType<typeof deploymentRules>>();
  function deploymentRules(d: Deployment) {
    return {
      redirects: parseRedirects(d.files.redirects),
      headers: parseHeaders(d.files.headers),
      toWorker: routesToWorker(d.files.routes),
    };
  }
  const rulesOf = (d: Deployment) => {
    let r = rulesCache.get(d.id);
    if (!r) {
      r = deploymentRules(d);
      rulesCache.set(d.id, r);
    }
    return r;
  };

  function findDeployment(id: string): { p: PagesProject; d: Deployment } | undefined {
    for (const p of Object.values(s.state.doc.pages)) {
      const d = deploymentsOf(s, p.name).find((x) => x.id === id);
      if (d) return { p, d };
    }
    return undefined;
  }

  function loadDeploymentCode(d: Deployment) {
    let b = bundles.get(d.id);
    if (!b) {
      b = (async () => {
        const dir = deploymentDir(s, d.id);
        if (d.files.worker === 'script') {
          return {
            modules: [
              {
                type: 'ESModule' as const,
                path: '_worker.js',
                contents: readFileSync(join(dir, '_worker.js'), 'utf8'),
              },
            ],
            mainModule: '_worker.js',
          };
        }
        const parsed = await parseBundleFile(new Uint8Array(readFileSync(join(dir, '_worker.bundle'))));
        return { modules: parsed.modules, mainModule: parsed.mainModule };
      })();
      bundles.set(d.id, b);
    }
    return b;
  }

  /** The Worker keys of each Pages project's production deployment that has a `_worker.js`. */
  function productionKeys(): string[] {
    return Object.values(s.state.doc.pages).flatMap((p) => {
      const d = productionDeployment(s, p);
      return d?.files.worker ? [`pages-${d.id}`] : [];
    });
  }

  /** Options of one served Worker, or undefined when what it named is gone. */
  async function optionsOf(key: string, backend: unknown, needs: (script: string) => ServiceTarget) {
    if (key.startsWith('pages-')) {
      const found = findDeployment(key.slice('pages-'.length));
      if (!found?.d.files.worker) return undefined;
      const code = await loadDeploymentCode(found.d);
      const { plan, native, config } = pagesBindings(found.p, found.d);
      return workerOptions(
        key,
        code.modules,
        code.mainModule,
        plan,
        native,
        needs,
        config.compatibility_date,
        config.compatibility_flags,
        backend,
      );
    }
    const script = s.state.doc.scripts[key.slice('script-'.length)];
    if (!script) return undefined;
    const modules = readScriptModules(s, script.name, script.modules);
    const meta = script.metadata;
    const { plan, native } = scriptBindings((meta.bindings ?? []) as Array<Record<string, unknown>>);
    const mainModule = String(meta.main_module ?? meta.body_part ?? modules[0]?.path);
    return {
      ...workerOptions(
        key,
        modules,
        mainModule,
        plan,
        native,
        needs,
        meta.compatibility_date,
        meta.compatibility_flags,
        backend,
      ),
      queueConsumers: queueConsumersOf(s, script.name),
    } as WorkerOptions;
  }

  async function buildOptions(): Promise<MiniflareOptions> {
    const backend = createBackend(s, async (deploymentId, request) => {
      const found = findDeployment(deploymentId);
      if (!found) return new Response('Deployment gone', { status: 404 });
      return serveAsset(s, found.d, rulesOf(found.d).headers, request);
    });
    const workers: WorkerOptions[] = [
      {
        name: 'emulator-idle',
        modules: true,
        script: 'export default { fetch() { return new Response("idle"); } }',
        compatibilityDate: '2024-01-01',
        // Every bucket, bound by its name, so the REST API's object routes reach the storage the sites use.
        r2Buckets: Object.fromEntries(Object.keys(s.state.doc.r2).map((n) => [n, n])),
      },
    ];
    // Besides what was requested, a queue's consumer must run to receive messages, and a service binding's target to
    // answer: all Workers share this one Miniflare, so queues and service bindings connect them natively.
    const pending = [...wanted, ...consumerScripts(s).map((n) => `script-${n}`)];
    const added = new Set<string>();
    const needs = (script: string): ServiceTarget => {
      if (!s.state.doc.scripts[script])
        return () => new Response(`No Worker named "${script}" on this account.`, { status: 503 });
      pending.push(`script-${script}`);
      return `script-${script}`;
    };
    for (let key = pending.shift(); key !== undefined; key = pending.shift()) {
      if (added.has(key)) continue;
      added.add(key);
      const options = await optionsOf(key, backend, needs);
      if (options) workers.push(options);
      else wanted.delete(key);
    }
    return { workers, host: '127.0.0.1', port: 0, r2Persist: join(s.dataDir, 'r2') } as MiniflareOptions;
  }

  /** Serialised so concurrent requests never reconfigure Miniflare twice at once. */
  function ensure(key: string | undefined): Promise<Miniflare> {
    const run = queue.then(async () => {
      if (key !== undefined && !wanted.has(key)) {
        wanted.add(key);
        dirty = true;
      }
      if (dirty || !mf) {
        dirty = false;
        // Every project's production deployment is served from the start, not added on its first request: adding a
        // Worker reconfigures Miniflare, which drops the queue messages it holds (a search io queued would be lost
        // when space is first visited). A deploy still reconfigures: what is queued then is lost (README).
        for (const key of productionKeys()) wanted.add(key);
        const options = await buildOptions();
        if (mf) await mf.setOptions(options);
        else mf = new Miniflare(options);
        await mf.ready;
      }
      return mf as Miniflare;
    });
    queue = run.catch(() => {
      dirty = true;
    });
    return run;
  }

  async function dispatch(key: string, request: Request): Promise<Response> {
    const instance = await ensure(key);
    const worker = await instance.getWorker(key);
    const init: Record<string, unknown> = { method: request.method, headers: request.headers, redirect: 'manual' };
    if (request.body) {
      init.body = request.body;
      init.duplex = 'half';
    }
    return (await worker.fetch(request.url, init as never)) as unknown as Response;
  }

  async function servePages(d: Deployment, request: Request): Promise<Response> {
    const rules = rulesOf(d);
    const path = new URL(request.url).pathname;
    const redirect = matchRedirect(rules.redirects, path);
    if (redirect && redirect.status !== 200) {
      return new Response(null, { status: redirect.status, headers: { location: redirect.to } });
    }
    const effective = redirect ? new Request(new URL(redirect.to, request.url), request) : request;
    if (d.files.worker && rules.toWorker(new URL(effective.url).pathname)) {
      return dispatch(`pages-${d.id}`, effective);
    }
    return serveAsset(s, d, rules.headers, effective);
  }

  function resolveDeployment(p: PagesProject, label: string | undefined): Deployment | undefined {
    if (!label) return productionDeployment(s, p);
    const list = deploymentsOf(s, p.name);
    return list.find((d) => d.short_id === label) ?? list.find((d) => branchAlias(d.branch) === label);
  }

  return {
    invalidate() {
      dirty = true;
    },
    async handle(req, res) {
      const host = req.headers.host;
      const target = parseHost(host);
      if (!target) return false;
      let response: Response;
      if (target.kind === 'pages') {
        const p = s.state.doc.pages[target.project];
        const d = p ? resolveDeployment(p, target.label) : undefined;
        response =
          p && d
            ? await servePages(d, toRequest(req, host as string))
            : new Response(`No deployment serves ${host}`, { status: 404, headers: { 'content-type': 'text/plain' } });
      } else {
        const script = s.state.doc.scripts[target.script];
        // As on workers.dev: a script answers there only while its workers.dev subdomain is enabled.
        response = script?.subdomain_enabled
          ? await dispatch(`script-${script.name}`, toRequest(req, host as string))
          : new Response(
              script
                ? `Worker ${target.script} is not enabled on workers.dev: POST …/workers/scripts/${target.script}/subdomain {"enabled": true}`
                : `No Worker named ${target.script}`,
              { status: 404, headers: { 'content-type': 'text/plain' } },
            );
      }
      await writeResponse(res, response);
      return true;
    },
    async r2Bucket(name) {
      const instance = await ensure(undefined);
      return (await instance.getR2Bucket(name, 'emulator-idle')) as R2BucketHandle;
    },
    async dispose() {
      await queue.catch(() => {});
      if (mf) await mf.dispose();
      mf = undefined;
    },
  };
}
