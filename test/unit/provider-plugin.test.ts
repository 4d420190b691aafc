import { type ChildProcess, spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PROVIDER_NAME, PROVIDER_VERSION, TYPES } from '../../infra/provider/identity';
import { HANDLERS } from '../../infra/provider/server';
import { typeOfUrn, withoutSecretMarkers, withSecretsOf } from '../../infra/provider/wire';

// The SDK's own gRPC library and generated stubs, resolved from where the SDK is (the plugin talks through them).
const fromSdk = createRequire(require.resolve('@pulumi/pulumi'));
const grpc = fromSdk('@grpc/grpc-js');
const provrpc = fromSdk('./proto/provider_grpc_pb');
const provproto = fromSdk('./proto/provider_pb');
const emptyproto = fromSdk('google-protobuf/google/protobuf/empty_pb');
const structproto = fromSdk('google-protobuf/google/protobuf/struct_pb');

const PLUGIN = join(__dirname, '..', '..', 'infra', 'provider', 'bin', `pulumi-resource-${PROVIDER_NAME}`);
const SECRET = { '4dabf18193072939515e22adb298388d': '1b47061264138c4ac30d75fd1eb44270' };

/** The generated client: each method takes a request and a Node-style callback. */
type GrpcClient = { close(): void } & Record<string, unknown>;

/** Calls one unary method of the provider's gRPC service. */
function call<T>(client: GrpcClient, method: string, request: unknown): Promise<T> {
  return new Promise((resolve, reject) => {
    // biome-ignore lint/suspicious/noExplicitAny: generated client methods are untyped here
    (client as any)[method](request, (error: Error | null, response: T) => (error ? reject(error) : resolve(response)));
  });
}

describe('the provider plugin, started as the engine starts it', () => {
  let plugin: ChildProcess;
  let client: GrpcClient;
  let startMs: number;

  beforeAll(async () => {
    const started = performance.now();
    plugin = spawn(PLUGIN, [], { stdio: ['ignore', 'pipe', 'pipe'] });
    // A plugin's first stdout line is the port it serves on; that is how the engine finds it.
    const port = await new Promise<number>((resolve, reject) => {
      let out = '';
      let err = '';
      plugin.stderr?.on('data', (chunk: Buffer) => {
        err += chunk.toString();
      });
      plugin.stdout?.on('data', (chunk: Buffer) => {
        out += chunk.toString();
        const line = out.split('\n')[0] as string;
        if (out.includes('\n')) resolve(Number(line.trim()));
      });
      plugin.on('exit', (code) => reject(new Error(`the plugin exited (${code}) before serving:\n${err}`)));
    });
    startMs = performance.now() - started;
    client = new provrpc.ResourceProviderClient(`127.0.0.1:${port}`, grpc.credentials.createInsecure());
  }, 60_000);

  afterAll(() => {
    client?.close();
    if (plugin?.pid && plugin.exitCode === null) plugin.kill('SIGTERM');
  });

  it('reports its version and serves its schema, naming every resource it handles', async () => {
    const info = await call<{ getVersion(): string }>(client, 'getPluginInfo', new emptyproto.Empty());
    expect(info.getVersion()).toBe(PROVIDER_VERSION);
    const request = new provproto.GetSchemaRequest();
    request.setVersion(0);
    const response = await call<{ getSchema(): string }>(client, 'getSchema', request);
    const schema = JSON.parse(response.getSchema()) as { name: string; version: string; resources: object };
    expect(schema.name).toBe(PROVIDER_NAME);
    expect(schema.version).toBe(PROVIDER_VERSION);
    expect(Object.keys(schema.resources).sort()).toEqual(Object.values(TYPES).sort());
    expect(Object.keys(HANDLERS).sort()).toEqual(Object.values(TYPES).sort());
    console.info(`provider plugin: serving ${startMs.toFixed(0)} ms after its start (measured here, not asserted)`);
  });

  it('answers a check for a type it does not serve with an error naming it', async () => {
    const request = new provproto.CheckRequest();
    request.setUrn('urn:pulumi:s::p::createsomething:nope:Thing::x');
    request.setOlds(new structproto.Struct());
    request.setNews(new structproto.Struct());
    await expect(call(client, 'check', request)).rejects.toThrow(/not createsomething:nope:Thing/);
  });

  it('answers a check with the secrets it was sent still marked secret (else the state keeps them in plain text)', async () => {
    const request = new provproto.CheckRequest();
    request.setUrn(`urn:pulumi:s::p::${TYPES.pagesBindings}::x-pages-bindings`);
    request.setOlds(new structproto.Struct());
    const news = {
      accountId: 'a',
      projectName: 'p',
      apiToken: { ...SECRET, value: 'config-token' },
      bindings: { production: {}, preview: {} },
      secretValues: { ...SECRET, value: { VISITOR_KEY: 'visitor-key' } },
    };
    request.setNews(structproto.Struct.fromJavaScript(news));
    const response = await call<{ getInputs(): { toJavaScript(): Record<string, unknown> } }>(client, 'check', request);
    const inputs = response.getInputs().toJavaScript();
    expect(inputs.apiToken).toEqual({ ...SECRET, value: 'config-token' });
    expect(inputs.secretValues).toEqual({ ...SECRET, value: { VISITOR_KEY: 'visitor-key' } });
    expect(inputs.projectName).toBe('p');
  });
});

describe('a plugin whose engine is gone', () => {
  it('exits by itself (a killed `pulumi up` leaves its plugins behind)', async () => {
    // A stand-in engine: starts the plugin, prints its pid, and dies at once without stopping it.
    const engine = spawn('sh', ['-c', `"$0" >/dev/null 2>&1 & echo $!`, PLUGIN], {
      stdio: ['ignore', 'pipe', 'ignore'],
    });
    const pid = await new Promise<number>((resolve) => {
      engine.stdout?.on('data', (chunk: Buffer) => resolve(Number(chunk.toString().trim())));
    });
    const alive = () => {
      try {
        process.kill(pid, 0);
        return true;
      } catch {
        return false;
      }
    };
    const deadline = Date.now() + 15_000;
    while (alive() && Date.now() < deadline) await new Promise((r) => setTimeout(r, 200));
    const stillAlive = alive();
    if (stillAlive) process.kill(pid, 'SIGKILL');
    expect(stillAlive, 'the orphaned plugin was still running 15 s after its engine died').toBe(false);
  }, 30_000);
});

describe('what the engine sends, as the handlers see it', () => {
  it('secret markers come off at every depth; other values are kept', () => {
    expect(
      withoutSecretMarkers({
        apiToken: { ...SECRET, value: 'token' },
        files: [{ name: 'a.sql', sql: { ...SECRET, value: 'SELECT 1;' } }],
        n: 1,
        none: null,
      }),
    ).toEqual({ apiToken: 'token', files: [{ name: 'a.sql', sql: 'SELECT 1;' }], n: 1, none: null });
  });

  it('what goes back is marked secret wherever a secret came in, so the state never keeps it in plain text', () => {
    const sent = {
      apiToken: { ...SECRET, value: 'token' },
      secretValues: { ...SECRET, value: { VISITOR_KEY: 'k' } },
      files: [{ name: 'a.sql', sql: { ...SECRET, value: 'SELECT 1;' } }],
      projectName: 'p',
    };
    const returned = {
      apiToken: 'token',
      secretValues: { VISITOR_KEY: 'k' },
      files: [{ name: 'a.sql' }],
      projectName: 'p',
      id: 'x',
    };
    expect(withSecretsOf(sent, returned)).toEqual({
      apiToken: { ...SECRET, value: 'token' },
      secretValues: { ...SECRET, value: { VISITOR_KEY: 'k' } },
      // A secret anywhere inside makes the whole property secret, as the engine's own annotation does.
      files: { ...SECRET, value: [{ name: 'a.sql' }] },
      projectName: 'p',
      id: 'x',
    });
    // Already marked stays as it is; nothing secret in, nothing marked out.
    expect(withSecretsOf(sent, { apiToken: { ...SECRET, value: 't' } })).toEqual({
      apiToken: { ...SECRET, value: 't' },
    });
    expect(withSecretsOf({ projectName: 'p' }, { projectName: 'p' })).toEqual({ projectName: 'p' });
  });

  it("a URN's type is its last type, after any parents'", () => {
    expect(
      typeOfUrn(
        'urn:pulumi:local::create-something::create-something:index:SiteApp$create-something:index:PagesDeployment$createsomething:pages:Deployment::io-deployment-upload',
      ),
    ).toBe('createsomething:pages:Deployment');
    expect(typeOfUrn('urn:pulumi:local::create-something::createsomething:d1:Migrations::x')).toBe(
      'createsomething:d1:Migrations',
    );
  });
});
