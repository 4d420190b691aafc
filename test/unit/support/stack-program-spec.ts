import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { scanInventory } from '../../../infra/inventory/scan';
import { schema } from '../../../infra/provider/schema';
import { installMocks, outputValue, type Registration } from './pulumi-harness';

export const APPS = ['space', 'io', 'agency', 'ltd'] as const;
/** How the SDK sends a secret value to the engine: `{ [SECRET_SIG]: SECRET_VALUE, value }`. */
const SECRET_SIG = '4dabf18193072939515e22adb298388d';
const SECRET_VALUE = '1b47061264138c4ac30d75fd1eb44270';

const TYPES = {
  app: 'create-something:index:SiteApp',
  database: 'cloudflare:index/d1Database:D1Database',
  kv: 'cloudflare:index/workersKvNamespace:WorkersKvNamespace',
  pages: 'cloudflare:index/pagesProject:PagesProject',
  migrations: 'createsomething:d1:Migrations',
  bindings: 'createsomething:pages:Bindings',
  build: 'command:local:Command',
  upload: 'createsomething:pages:Deployment',
  worker: 'cloudflare:index/workersScript:WorkersScript',
  r2: 'cloudflare:index/r2Bucket:R2Bucket',
  queue: 'cloudflare:index/queue:Queue',
  queueConsumer: 'cloudflare:index/queueConsumer:QueueConsumer',
} as const;

export interface StackExpectations {
  stack: string;
  config: Record<string, string>;
  physicalName: (app: string) => string;
  protect: boolean;
  productionUrl: (app: string) => string;
  workerScripts: string[];
  apiBaseUrl?: string;
  /** The Cloudflare token comes from CLOUDFLARE_API_TOKEN (a protected stack refuses one in its config). */
  tokenFromEnvironment?: string;
}

type ProgramOutputs = typeof import('../../../infra/index');

/** Runs the real entry point (infra/index.ts) under mocks for one stack and checks the graph it declares. */
export function describeStackProgram(expected: StackExpectations): void {
  describe(`the ${expected.stack} stack`, () => {
    let registrations: Registration[];
    let program: ProgramOutputs;
    let sourceHashes: Map<string, string>;
    /** The package a Worker script belongs to: its parent is the Worker component, whose parent is the SiteApp. */
    const appOf = (script: Registration): string => {
      const worker = registrations.find((r) => r.urn === script.parent);
      const app = registrations.find((r) => r.urn === worker?.parent && r.type === TYPES.app);
      if (!app) throw new Error(`${script.name} is not inside a SiteApp`);
      return app.name;
    };
    const named = (type: string, name: string) => {
      const found = registrations.find((r) => r.type === type && r.name === name);
      if (!found) throw new Error(`no ${type} named ${name} was registered`);
      return found;
    };

    const previousToken = process.env.CLOUDFLARE_API_TOKEN;
    afterAll(() => {
      if (previousToken === undefined) delete process.env.CLOUDFLARE_API_TOKEN;
      else process.env.CLOUDFLARE_API_TOKEN = previousToken;
    });

    beforeAll(async () => {
      if (expected.tokenFromEnvironment) process.env.CLOUDFLARE_API_TOKEN = expected.tokenFromEnvironment;
      sourceHashes = new Map(scanInventory(join(__dirname, '..', '..', '..')).apps.map((a) => [a.name, a.sourceHash]));
      registrations = await installMocks(expected.stack, expected.config);
      // A plain string so TypeScript's CommonJS settings (the Pulumi runtime's) accept it; vitest resolves it as usual.
      program = (await import('../../../infra/index' as string)) as ProgramOutputs;
      // Registration is asynchronous: once every exported output resolved, every resource has been registered.
      for (const app of APPS) {
        const outputs = program.apps[app];
        if (!outputs) throw new Error(`the program exports no outputs for ${app}`);
        await outputValue(outputs.deploymentUrl);
        await outputValue(outputs.migrationBookmark);
      }
    }, 120_000);

    it('declares exactly one D1 database, KV namespace, Pages project, migrations and upload per app', () => {
      for (const type of [TYPES.app, TYPES.database, TYPES.kv, TYPES.pages, TYPES.migrations]) {
        expect(registrations.filter((r) => r.type === type)).toHaveLength(APPS.length);
      }
      // Per app: its build (a command) and its upload (the project's own provider).
      const namesOf = (type: string) =>
        registrations
          .filter((r) => r.type === type)
          .map((r) => r.name)
          .sort();
      expect(namesOf(TYPES.build)).toEqual(APPS.map((app) => `${app}-deployment-build`).sort());
      expect(namesOf(TYPES.upload)).toEqual(APPS.map((app) => `${app}-deployment-upload`).sort());
      expect(
        registrations
          .filter((r) => r.type === TYPES.app)
          .map((r) => r.name)
          .sort(),
      ).toEqual([...APPS].sort());
    });

    it('gives every resource its stack physical name and always passes the account id', () => {
      for (const app of APPS) {
        const name = expected.physicalName(app);
        expect(named(TYPES.database, `${app}-database`).inputs).toMatchObject({ name, accountId: expect.any(String) });
        expect(named(TYPES.kv, `${app}-kv`).inputs).toMatchObject({ title: name, accountId: expect.any(String) });
        expect(named(TYPES.pages, `${app}-pages`).inputs).toMatchObject({ name, productionBranch: 'main' });
        expect(named(TYPES.pages, `${app}-pages`).inputs.accountId).toBe(expected.config['create-something:accountId']);
      }
    });

    it("binds DB and KV to the app's own database uuid and namespace id, in production and preview", () => {
      for (const app of APPS) {
        const name = expected.physicalName(app);
        const configs = named(TYPES.pages, `${app}-pages`).inputs.deploymentConfigs as Record<string, unknown>;
        // On a protected stack preview deployments get no data bindings at all (README "Stacks").
        for (const environment of expected.protect ? ['production'] : ['production', 'preview']) {
          expect(configs[environment]).toMatchObject({
            d1Databases: { DB: { id: `uuid-${name}` } },
            kvNamespaces: { KV: { namespaceId: `kv-${name}` } },
          });
        }
        if (expected.protect) {
          // Production data is never reachable from a preview deployment, not even through the bindings' repair.
          expect(configs.preview).not.toHaveProperty('d1Databases');
          expect(configs.preview).not.toHaveProperty('kvNamespaces');
          expect((configs.preview as Record<string, unknown>).compatibilityDate).toEqual(
            (configs.production as Record<string, unknown>).compatibilityDate,
          );
        }
      }
    });

    it('keeps the live D1/KV bindings of every project in check, after the project exists', () => {
      for (const app of APPS) {
        const name = expected.physicalName(app);
        const guard = named(TYPES.bindings, `${app}-pages-bindings`);
        const wanted = {
          d1Databases: { DB: `uuid-${name}` },
          kvNamespaces: { KV: `kv-${name}` },
        };
        const preview = expected.protect ? { d1Databases: {}, kvNamespaces: {} } : wanted;
        expect(guard.inputs).toMatchObject({ projectName: name, bindings: { production: wanted, preview } });
        if (expected.protect) expect((guard.inputs.bindings as { preview: unknown }).preview).toEqual(preview);
        expect(guard.dependencies).toContain(named(TYPES.pages, `${app}-pages`).urn);
      }
    });

    it(`${expected.protect ? 'protects' : 'does not protect'} the data-bearing resources`, () => {
      for (const app of APPS) {
        for (const [type, suffix] of [
          [TYPES.database, 'database'],
          [TYPES.kv, 'kv'],
          [TYPES.pages, 'pages'],
        ] as const) {
          const registration = named(type, `${app}-${suffix}`);
          expect({ protect: registration.protect, retainOnDelete: registration.retainOnDelete }).toEqual({
            protect: expected.protect,
            retainOnDelete: expected.protect,
          });
        }
        // The same protection asks destructive migrations for a reason (infra/plan/destructive-sql.ts).
        expect(named(TYPES.migrations, `${app}-migrations`).inputs.requireDestructiveReason).toBe(expected.protect);
      }
    });

    it("sends the provider plugin's resources exactly the inputs its schema declares", () => {
      for (const type of [TYPES.migrations, TYPES.bindings, TYPES.upload]) {
        const resource = schema.resources[type as keyof typeof schema.resources];
        for (const registration of registrations.filter((r) => r.type === type)) {
          const sent = Object.keys(registration.inputs);
          expect(
            sent.filter((key) => !(key in resource.inputProperties)),
            registration.name,
          ).toEqual([]);
          expect(
            resource.requiredInputs.filter((key) => !sent.includes(key)),
            registration.name,
          ).toEqual([]);
        }
      }
    });

    it(`uploads only after the migrations and the project exist, ${expected.tokenFromEnvironment ? 'with no token input (wrangler reads the environment)' : 'with the token as a secret'}`, () => {
      for (const app of APPS) {
        const upload = named(TYPES.upload, `${app}-deployment-upload`);
        expect(upload.dependencies).toContain(named(TYPES.migrations, `${app}-migrations`).urn);
        expect(upload.dependencies).toContain(named(TYPES.pages, `${app}-pages`).urn);
        if (expected.tokenFromEnvironment) expect(upload.inputs.apiToken).toBeUndefined();
        else expect(upload.inputs.apiToken).toMatchObject({ [SECRET_SIG]: SECRET_VALUE });
        expect(upload.inputs).toMatchObject({
          projectName: expected.physicalName(app),
          branch: 'main',
          packageDir: `packages/${app}`,
          // What the build produced, the project's identity (a recreated project is empty) and what a deployment
          // snapshots.
          buildInputHash: sourceHashes.get(app),
          outputHash: `output-of-${app}-deployment-build`,
          projectIdentity: `created-${expected.physicalName(app)}`,
        });
        // What a deployment snapshots includes the sites' secrets: its hash is a secret too, encrypted in the state.
        expect(upload.inputs.configHash).toEqual({
          [SECRET_SIG]: SECRET_VALUE,
          value: expect.stringMatching(/^[0-9a-f]{16}$/),
        });
        expect(upload.inputs.apiBaseUrl).toBe(expected.apiBaseUrl);
        // An existing stack's upload command becomes this resource without a new deployment (legacy-state.ts).
        expect(upload.aliases.join('\n')).toContain('command:local:Command');
        expect(upload.dependencies).toContain(named(TYPES.bindings, `${app}-pages-bindings`).urn);
        expect(upload.dependencies).toContain(named(TYPES.build, `${app}-deployment-build`).urn);
      }
    });

    it('builds each app at once, from its build inputs alone, with no Cloudflare credential', () => {
      for (const app of APPS) {
        const build = named(TYPES.build, `${app}-deployment-build`);
        // Nothing in Cloudflare: the build starts at the beginning of `pulumi up`.
        expect(build.dependencies).toEqual([]);
        expect(build.inputs.triggers).toEqual([sourceHashes.get(app)]);
        // Turborepo's hash of the build (16 hex characters).
        expect(sourceHashes.get(app)).toMatch(/^[0-9a-f]{16}$/);
        expect(build.inputs.environment).toEqual({
          PACKAGE_DIR: `packages/${app}`,
          BUILD_INPUT_HASH: sourceHashes.get(app),
        });
      }
    });

    it("applies each app's own migration files to its own database", () => {
      for (const app of APPS) {
        const inputs = named(TYPES.migrations, `${app}-migrations`).inputs;
        expect(inputs.databaseId).toBe(`uuid-${expected.physicalName(app)}`);
        expect(inputs.apiBaseUrl).toBe(expected.apiBaseUrl);
        const files = inputs.files as { name: string }[];
        expect(files.length).toBeGreaterThan(0);
        expect(files.map((f) => f.name)).toEqual(files.map((f) => f.name).sort());
      }
    });

    it('exports the outputs each package needs', async () => {
      for (const app of APPS) {
        const outputs = program.apps[app];
        if (!outputs) throw new Error(`the program exports no outputs for ${app}`);
        expect(await outputValue(outputs.projectName)).toBe(expected.physicalName(app));
        expect(await outputValue(outputs.productionUrl)).toBe(expected.productionUrl(app));
        expect(await outputValue(outputs.databaseId)).toBe(`uuid-${expected.physicalName(app)}`);
        expect(await outputValue(outputs.kvNamespaceId)).toBe(`kv-${expected.physicalName(app)}`);
        expect(await outputValue(outputs.deploymentUrl)).toBe(`https://dep-${app}-deployment-upload.example.pages.dev`);
        expect(await outputValue(outputs.migrationBookmark)).toBe(`bookmark-${app}-migrations`);
      }
    });

    it('deploys exactly the Workers the stack enables, with the package bindings plus their own', async () => {
      const scripts = registrations.filter((r) => r.type === TYPES.worker);
      expect(scripts.map((s) => s.inputs.scriptName)).toEqual(expected.workerScripts);
      for (const script of scripts) {
        const bindings = script.inputs.bindings as { type: string; name: string }[];
        // The package's own database, shared with its app: the same uuid.
        const app = appOf(script);
        expect(bindings).toContainEqual({ type: 'd1', name: 'DB', id: `uuid-${expected.physicalName(app)}` });
        expect(script.inputs.contentSha256).toMatch(/^[0-9a-f]{64}$/);
        // The bundle goes by file (relative, so the same on every machine) and hash, never inline into the state.
        expect(script.inputs.content).toBeUndefined();
        expect(script.inputs.contentFile).toMatch(/^(?!\/).*\.js$/);
        expect(
          createHash('sha256')
            .update(readFileSync(script.inputs.contentFile as string))
            .digest('hex'),
        ).toBe(script.inputs.contentSha256);
        expect(script.inputs.mainModule).toMatch(/\.js$/);
      }
    });

    it("uploads each Worker script only after its package's migrations ran", () => {
      const scripts = registrations.filter((r) => r.type === TYPES.worker);
      expect(scripts).toHaveLength(expected.workerScripts.length);
      for (const script of scripts)
        expect(script.dependencies).toContain(named(TYPES.migrations, `${appOf(script)}-migrations`).urn);
    });

    it("provisions and binds what each package's wrangler config declares: R2, queues, secrets, rate limits", () => {
      const suffix = expected.physicalName('space').slice('createsomething-space'.length);
      const bucket = named(TYPES.r2, 'space-bucket-media');
      const queue = named(TYPES.queue, 'io-queue-searches');
      expect(bucket.inputs).toMatchObject({ name: `createsomething-space-media${suffix}` });
      expect(queue.inputs).toMatchObject({ queueName: `createsomething-io-searches${suffix}` });
      for (const data of [bucket, queue]) {
        expect(data.protect).toBe(expected.protect);
        expect(data.retainOnDelete ?? false).toBe(expected.protect);
      }
      const configs = (app: string) =>
        named(TYPES.pages, `${app}-pages`).inputs.deploymentConfigs as Record<string, Record<string, unknown>>;
      expect(configs('space').production).toMatchObject({
        r2Buckets: { MEDIA: { name: `createsomething-space-media${suffix}` } },
      });
      expect(configs('io').production).toMatchObject({
        queueProducers: { SEARCHES: { name: `createsomething-io-searches${suffix}` } },
      });
      // Every site's secrets, as secrets: never a plain value in what the engine is sent.
      for (const app of APPS) {
        const envVars = configs(app).production?.envVars as Record<string, { type: string; value: unknown }>;
        expect(envVars.VISITOR_KEY).toEqual({
          type: 'secret_text',
          value: { [SECRET_SIG]: SECRET_VALUE, value: expected.config['create-something:visitorKey'] },
        });
        // A protected stack's preview deployments get no data and no credential.
        if (expected.protect)
          expect(Object.keys(configs(app).preview ?? {}).sort()).toEqual(['compatibilityDate', 'compatibilityFlags']);
        else expect(configs(app).preview).toEqual(configs(app).production);
      }
      expect(configs('ltd').production).toMatchObject({ envVars: { UNSUBSCRIBE_SECRET: { type: 'secret_text' } } });
      // The bindings record knows the secret is set, never its value.
      const record = named(TYPES.bindings, 'ltd-pages-bindings').inputs;
      expect((record.bindings as { production: Record<string, unknown> }).production.secrets).toEqual({
        UNSUBSCRIBE_SECRET: '(set)',
        VISITOR_KEY: '(set)',
      });
      expect(JSON.stringify(record.bindings)).not.toContain(expected.config['create-something:visitorKey']);
      if (expected.workerScripts.length === 0) {
        expect(registrations.filter((r) => r.type === TYPES.queueConsumer)).toEqual([]);
        return;
      }
      const [recorder] = registrations.filter((r) => r.type === TYPES.queueConsumer);
      expect(recorder?.inputs).toMatchObject({
        queueId: `queue-id-createsomething-io-searches${suffix}`,
        scriptName: `search-recorder${suffix}`,
        type: 'worker',
        settings: { batchSize: 10, maxWaitTimeMs: 5000 },
      });
      const extractor = registrations.find(
        (r) => r.type === TYPES.worker && r.inputs.scriptName === `motion-extractor${suffix}`,
      );
      expect(extractor?.inputs.bindings).toEqual(
        expect.arrayContaining([
          { type: 'r2_bucket', name: 'MEDIA', bucketName: `createsomething-space-media${suffix}` },
          { type: 'ratelimit', name: 'RATE_LIMITER', namespaceId: '1001', simple: { limit: 10, period: 60 } },
        ]),
      );
    });
  });
}
