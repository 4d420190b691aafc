import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readWranglerConfig } from '../../infra/inventory/wrangler-config';
import { needsBindings, parseWranglerArgv, stackCommand, stackWranglerConfig } from '../../scripts/wrangler-args';

const ROOT = join(__dirname, '..', '..');
const CONFIG = '/tmp/wrangler-prod-ltd/wrangler.jsonc';

describe('pnpm wrangler: the stack wrangler config', () => {
  it("puts the stack's D1 uuid, KV id and project name where the package has placeholders", () => {
    const packageDir = join(ROOT, 'packages', 'ltd');
    const own = readWranglerConfig(packageDir)?.config;
    if (!own) throw new Error('packages/ltd has no wrangler config');
    const config = stackWranglerConfig(own, {
      packageDir,
      app: 'ltd',
      projectName: 'createsomething-ltd-staging',
      targets: {
        'd1:createsomething-ltd': {
          ref: '3f0c2d1e-0000-4000-8000-00000000abcd',
          physicalName: 'createsomething-ltd-staging',
        },
        'kv:createsomething-ltd': {
          ref: '0123456789abcdef0123456789abcdef',
          physicalName: 'createsomething-ltd-staging',
        },
      },
    });
    expect(config).toMatchObject({
      name: 'createsomething-ltd-staging',
      pages_build_output_dir: join(packageDir, '.svelte-kit/cloudflare'),
      compatibility_date: own.compatibility_date,
      compatibility_flags: own.compatibility_flags,
      d1_databases: [
        {
          binding: 'DB',
          database_name: 'createsomething-ltd-staging',
          database_id: '3f0c2d1e-0000-4000-8000-00000000abcd',
          migrations_dir: join(packageDir, 'migrations'),
        },
      ],
      kv_namespaces: [{ binding: 'KV', id: '0123456789abcdef0123456789abcdef' }],
    });
    expect(JSON.stringify(config)).not.toMatch(/00000000-0000-4000-8000-000000000004|00000000000040008000000000000004/);
  });

  it('writes no data binding at all when the ids are unknown, never the placeholders', () => {
    const packageDir = join(ROOT, 'packages', 'io');
    const own = readWranglerConfig(packageDir)?.config ?? {};
    const config = stackWranglerConfig(own, { packageDir, app: 'io', projectName: 'createsomething-io' });
    expect(config.name).toBe('createsomething-io');
    expect(config).not.toHaveProperty('d1_databases');
    expect(config).not.toHaveProperty('kv_namespaces');
  });

  it('needs the ids for everything but pages commands that only read a project', () => {
    expect(needsBindings(['pages', 'deployment', 'tail'])).toBe(false);
    expect(needsBindings(['pages', 'deployment', 'list'])).toBe(false);
    expect(needsBindings(['pages', 'deploy', 'dist'])).toBe(true);
    expect(needsBindings(['d1', 'execute', 'DB'])).toBe(true);
    expect(needsBindings(['kv', 'key', 'get', 'home'])).toBe(true);
  });
});

describe('pnpm wrangler: arguments', () => {
  it('takes the package and --stack before "--", and everything after it for wrangler', () => {
    expect(
      parseWranglerArgv(['ltd', '--stack', 'local', '--', 'd1', 'execute', 'DB', '--command', 'select 1']),
    ).toEqual({
      pkg: 'ltd',
      stack: 'local',
      args: ['d1', 'execute', 'DB', '--command', 'select 1'],
    });
    // --stack after "--" is wrangler's; the stack defaults to prod.
    expect(parseWranglerArgv(['io', '--', 'pages', 'deployment', 'list', '--stack', 'x'])).toEqual({
      pkg: 'io',
      stack: 'prod',
      args: ['pages', 'deployment', 'list', '--stack', 'x'],
    });
    expect(() => parseWranglerArgv(['--', 'd1', 'list'])).toThrow(/usage: pnpm wrangler <space\|io\|agency\|ltd>/);
    expect(() => parseWranglerArgv(['ltd', '--stack'])).toThrow(/--stack needs a value/);
  });

  it('reads D1, KV and R2 data remotely unless told otherwise, through the stack config', () => {
    expect(stackCommand(['r2', 'object', 'get', 'bucket/key', '--pipe'], 'p', CONFIG).added).toEqual([
      '--remote',
      '--config',
      CONFIG,
    ]);
    expect(stackCommand(['r2', 'bucket', 'list'], 'p', CONFIG).added).toEqual(['--config', CONFIG]);
    expect(stackCommand(['d1', 'execute', 'DB', '--command', 'select 1'], 'p', CONFIG)).toEqual({
      args: ['d1', 'execute', 'DB', '--command', 'select 1', '--remote', '--config', CONFIG],
      runIn: 'here',
      added: ['--remote', '--config', CONFIG],
    });
    expect(stackCommand(['d1', 'migrations', 'list', 'DB'], 'p', CONFIG).added).toEqual([
      '--remote',
      '--config',
      CONFIG,
    ]);
    expect(stackCommand(['kv', 'key', 'get', '--binding', 'KV', 'home'], 'p', CONFIG).added).toEqual([
      '--remote',
      '--config',
      CONFIG,
    ]);
    expect(stackCommand(['d1', 'execute', 'DB', '--local'], 'p', CONFIG).added).toEqual(['--config', CONFIG]);
    expect(stackCommand(['d1', 'migrations', 'create', 'DB', 'x'], 'p', CONFIG).added).toEqual(['--config', CONFIG]);
    expect(stackCommand(['kv', 'namespace', 'list'], 'p', CONFIG).added).toEqual(['--config', CONFIG]);
    expect(stackCommand(['d1', 'list', '--config=mine.jsonc'], 'p', CONFIG).added).toEqual([]);
  });

  it("runs pages commands in the stack config's folder with the stack's project name", () => {
    expect(stackCommand(['pages', 'deployment', 'list'], 'createsomething-io', CONFIG)).toEqual({
      args: ['pages', 'deployment', 'list', '--project-name', 'createsomething-io'],
      runIn: 'config-folder',
      added: ['--project-name', 'createsomething-io'],
    });
    expect(stackCommand(['pages', 'deployment', 'tail', '--format', 'json'], 'x', CONFIG).args).toEqual([
      'pages',
      'deployment',
      'tail',
      '--format',
      'json',
      '--project-name',
      'x',
    ]);
    expect(stackCommand(['pages', 'project', 'list'], 'x', CONFIG).added).toEqual([]);
    expect(stackCommand(['pages', 'deployment', 'list', '--project-name', 'other'], 'x', CONFIG).added).toEqual([]);
  });

  it('puts what it adds before a "--" of yours', () => {
    expect(stackCommand(['d1', 'execute', 'DB', '--', '--not-ours'], 'p', CONFIG).args).toEqual([
      'd1',
      'execute',
      'DB',
      '--remote',
      '--config',
      CONFIG,
      '--',
      '--not-ours',
    ]);
  });
});
