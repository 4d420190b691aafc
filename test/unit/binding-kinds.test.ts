import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { BINDING_KINDS, readConfigBindings } from '../../infra/bindings';
import { SECRET_IS_SET, secretConfigKey } from '../../infra/bindings/secrets';
import { inProtectedPreview, planBindings, planResources, requiredSecretKeys } from '../../infra/plan/plan-bindings';
import { stackDefinitionSchema } from '../../stacks/definition';
import { appSource, ownData } from './support/app-source';

const app = { file: 'packages/space/wrangler.jsonc', scope: 'app', app: 'space' } as const;
const worker = { file: 'packages/space/workers/w/wrangler.jsonc', scope: 'worker', app: 'space' } as const;
const definition = (overrides: Record<string, unknown> = {}) =>
  stackDefinitionSchema.parse({ nameSuffix: '', productionBranch: 'main', protect: false, workers: [], ...overrides });

/** A config declaring every kind a Pages app may have, in wrangler's own keys. */
const EVERY_APP_KIND = {
  d1_databases: [
    { binding: 'DB', database_name: 'createsomething-space', database_id: 'x', migrations_dir: 'migrations' },
  ],
  kv_namespaces: [{ binding: 'KV', id: 'x' }, { binding: 'SESSIONS' }],
  r2_buckets: [{ binding: 'MEDIA', bucket_name: 'createsomething-space-media' }],
  queues: { producers: [{ binding: 'JOBS', queue: 'createsomething-space-jobs' }] },
  vars: { MODE: 'live' },
  secrets: { required: ['VISITOR_KEY'] },
  services: [{ binding: 'EXTRACTOR', service: 'motion-extractor' }],
  browser: { binding: 'BROWSER' },
  ai: { binding: 'AI' },
};

describe("reading bindings from a package's wrangler config", () => {
  it('reads every kind in its own key, with the production name of each resource', () => {
    expect(readConfigBindings(EVERY_APP_KIND, app).bindings).toEqual([
      { kind: 'd1', name: 'DB', resource: 'createsomething-space', settings: { migrationsDir: 'migrations' } },
      { kind: 'kv', name: 'KV', resource: 'createsomething-space' },
      { kind: 'kv', name: 'SESSIONS', resource: 'createsomething-space-sessions' },
      { kind: 'r2', name: 'MEDIA', resource: 'createsomething-space-media' },
      { kind: 'queue', name: 'JOBS', resource: 'createsomething-space-jobs' },
      { kind: 'service', name: 'EXTRACTOR', settings: { worker: 'motion-extractor' } },
      { kind: 'browser', name: 'BROWSER' },
      { kind: 'ai', name: 'AI' },
      { kind: 'var', name: 'MODE', settings: { text: 'live' } },
      { kind: 'secret', name: 'VISITOR_KEY' },
    ]);
  });

  it("reads a Worker's rate limits and the queues it consumes", () => {
    const read = readConfigBindings(
      {
        ratelimits: [{ name: 'LIMIT', namespace_id: '1001', simple: { limit: 10, period: 60 } }],
        queues: { consumers: [{ queue: 'createsomething-space-jobs', max_batch_size: 10, max_batch_timeout: 5 }] },
      },
      worker,
    );
    expect(read.bindings).toEqual([
      { kind: 'ratelimit', name: 'LIMIT', settings: { namespaceId: '1001', limit: 10, period: 60 } },
    ]);
    expect(read.consumers).toEqual([{ queue: 'createsomething-space-jobs', batchSize: 10, maxWaitTimeMs: 5000 }]);
  });

  it.each([
    [
      'a kind not deployed yet',
      { durable_objects: { bindings: [] } },
      app,
      /packages\/space\/wrangler.jsonc: durable_objects is not deployed by the infra program yet\. Supported in a Pages app: d1_databases, kv_namespaces, r2_buckets, queues, services, browser, ai, vars, secrets\. Remove it, or add the kind in infra\/bindings\//,
    ],
    [
      'a Workers-only kind in an app',
      { ratelimits: [] },
      app,
      /wrangler.jsonc: ratelimits is deployed for Workers only/,
    ],
    [
      'a consumer in an app',
      { queues: { consumers: [{ queue: 'q' }] } },
      app,
      /queues.consumers: a Pages app cannot consume a queue\. Move the consumer into a Worker/,
    ],
    [
      'a D1 without its name',
      { d1_databases: [{ binding: 'DB' }] },
      app,
      /d1_databases\[0\]\.database_name is missing/,
    ],
    ['a var that is not text', { vars: { N: 3 } }, app, /vars\.N must be a string/],
    [
      'one name twice',
      { vars: { DB: 'x' }, d1_databases: [{ binding: 'DB', database_name: 'd' }] },
      app,
      /the binding name DB is declared twice/,
    ],
    [
      'a rate limit period Cloudflare does not have',
      { ratelimits: [{ name: 'L', namespace_id: '1', simple: { limit: 1, period: 30 } }] },
      worker,
      /ratelimits\[0\]\.simple\.period must be 10 or 60/,
    ],
    ["secrets not in wrangler's shape", { secrets: ['A'] }, app, /secrets must be \{ "required": \["NAME", …\] \}/],
  ])('refuses %s, naming the file, the key and the fix', (_what, config, place, message) => {
    expect(() => readConfigBindings(config, place)).toThrow(message);
  });
});

describe('planning the resources and bindings of a package', () => {
  const space = appSource('space', ['motion-extractor', 'jobs'], {
    bindings: [
      ...ownData('space'),
      { kind: 'r2', name: 'MEDIA', resource: 'createsomething-space-media' },
      { kind: 'secret', name: 'VISITOR_KEY' },
      { kind: 'var', name: 'MODE', settings: { text: 'live' } },
    ],
    workerBindings: [{ kind: 'r2', name: 'FILES', resource: 'createsomething-space-media' }],
    consumers: [{ queue: 'createsomething-space-jobs', batchSize: 5 }],
  });

  it('provisions each resource once per stack, shared by the app and its Workers, under names existing stacks keep', () => {
    const resources = planResources(space, space.workers, definition({ nameSuffix: '-staging', protect: true }));
    expect(resources.map((r) => [r.logicalName, r.physicalName, r.protect])).toEqual([
      ['space-database', 'createsomething-space-staging', true],
      ['space-kv', 'createsomething-space-staging', true],
      ['space-bucket-media', 'createsomething-space-media-staging', true],
      // Consumed only: still the stack's own queue.
      ['space-queue-jobs', 'createsomething-space-jobs-staging', true],
    ]);
    expect(resources[0]?.migrations).toEqual([]);
  });

  it('binds by resource, secrets by config key, the rest by value', () => {
    const resources = planResources(space, space.workers, definition());
    const owner = { app: 'space', file: 'f', enabledWorkers: ['motion-extractor'], nameSuffix: '' };
    expect(planBindings(space.bindings, resources, owner)).toEqual([
      expect.objectContaining({ name: 'DB', resourceName: 'space-database' }),
      expect.objectContaining({ name: 'KV', resourceName: 'space-kv' }),
      expect.objectContaining({ name: 'MEDIA', resourceName: 'space-bucket-media' }),
      expect.objectContaining({ name: 'VISITOR_KEY', configKey: 'create-something:visitorKey' }),
      expect.objectContaining({ name: 'MODE', value: 'live' }),
    ]);
    const services = planBindings(
      [{ kind: 'service', name: 'X', settings: { worker: 'motion-extractor' } }],
      resources,
      {
        ...owner,
        nameSuffix: '-pr-7',
      },
    );
    expect(services[0]?.value).toBe('motion-extractor-pr-7');
    expect(() =>
      planBindings([{ kind: 'service', name: 'X', settings: { worker: 'jobs' } }], resources, owner),
    ).toThrow(/names Worker "jobs", which is not a Worker of this package enabled on this stack/);
  });

  it('refuses a resource name Cloudflare would refuse, before any resource', () => {
    const bad = appSource('space', [], { bindings: [{ kind: 'r2', name: 'M', resource: 'Media_Files' }] });
    expect(() => planResources(bad, [], definition())).toThrow(/R2 bucket name "Media_Files" must be 3-63 lowercase/);
  });

  it('keeps data and credentials out of the preview deployments of a protected stack', () => {
    const kept = readConfigBindings(EVERY_APP_KIND, app).bindings.filter(inProtectedPreview);
    expect(kept.map((b) => b.kind).sort()).toEqual(['ai', 'browser', 'var']);
  });

  it("asks for every app's secrets and the secrets of the Workers the stack enables, one key per name", () => {
    const inventory = {
      rootDir: '/r',
      apps: [
        appSource('space', ['motion-extractor'], {
          bindings: [...ownData('space'), { kind: 'secret', name: 'VISITOR_KEY' }],
          workerBindings: [{ kind: 'secret', name: 'API_TOKEN' }],
        }),
        appSource('io', [], { bindings: [{ kind: 'secret', name: 'VISITOR_KEY' }] }),
      ],
    };
    // One key per secret name and stack: the sites share one visitor key.
    expect(requiredSecretKeys(inventory, definition())).toEqual(['create-something:visitorKey']);
    expect(requiredSecretKeys(inventory, definition({ workers: ['space/motion-extractor'] }))).toEqual([
      'create-something:visitorKey',
      // The key the stacks held before secrets were data.
      'create-something:motionExtractorToken',
    ]);
    expect(secretConfigKey({ app: 'io', worker: 'search-recorder' }, 'MAIL_API_KEY')).toBe(
      'create-something:mailApiKey',
    );
  });

  it('names every resource after its declared name plus the suffix, and its logical name after the package alone', () => {
    const bucket = fc.stringMatching(/^[a-z][a-z0-9]{2,12}$/);
    const suffix = fc.constantFrom('', '-staging', '-pr-12');
    fc.assert(
      fc.property(fc.uniqueArray(bucket, { minLength: 1, maxLength: 5 }), suffix, suffix, (names, a, b) => {
        const pkg = appSource('space', [], {
          bindings: names.map((n) => ({ kind: 'r2', name: n.toUpperCase(), resource: `createsomething-space-${n}` })),
        });
        const first = planResources(pkg, [], definition({ nameSuffix: a }));
        const second = planResources(pkg, [], definition({ nameSuffix: b }));
        expect(first.map((r) => r.physicalName)).toEqual(names.map((n) => `createsomething-space-${n}${a}`));
        // Logical names do not depend on the stack: one program, every stack.
        expect(second.map((r) => r.logicalName)).toEqual(first.map((r) => r.logicalName));
        expect(new Set(first.map((r) => r.logicalName)).size).toBe(names.length);
      }),
    );
  });
});

describe('each kind with a Pages shape reads back what it writes', () => {
  it.each(BINDING_KINDS.filter((k) => k.pages).map((k) => [k.kind, k] as const))('%s', (kind, shape) => {
    const pages = shape.pages as NonNullable<typeof shape.pages>;
    const value = 'value-1';
    const expected = kind === 'secret' ? SECRET_IS_SET : kind === 'browser' || kind === 'ai' ? '' : value;
    // What Cloudflare answers: a secret without its value.
    const answered = kind === 'secret' ? { type: 'secret_text' } : pages.api(value);
    expect(pages.live(answered)).toBe(expected);
  });
});
