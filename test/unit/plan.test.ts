import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { planDeployment } from '../../infra/plan/plan';
import type { Inventory } from '../../infra/plan/types';
import { stackDefinitionSchema } from '../../stacks/definition';
import { appSource } from './support/app-source';
import { ACCOUNT_ID } from './support/pulumi-harness';

const app = (name: string, workers: string[] = []) =>
  appSource(name, workers, {
    migrations: [{ name: '0001_init.sql', sha256: 'x', sql: 'CREATE TABLE t (id INTEGER);' }],
    workerBindings: [{ kind: 'browser', name: 'BROWSER' }],
  });

const inventory: Inventory = {
  rootDir: '/repo',
  apps: [app('space', ['motion-extractor']), app('io'), app('agency'), app('ltd')],
};

const definition = (overrides: Record<string, unknown> = {}) =>
  stackDefinitionSchema.parse({ nameSuffix: '', productionBranch: 'main', protect: false, workers: [], ...overrides });

describe('planDeployment', () => {
  it('uses the seed names on prod-like stacks and suffixes them elsewhere', () => {
    const prod = planDeployment('prod', inventory, definition(), { accountId: ACCOUNT_ID });
    expect(prod.apps.map((a) => a.projectName)).toEqual([
      'createsomething-space',
      'createsomething-io',
      'createsomething-agency',
      'createsomething-ltd',
    ]);
    const staging = planDeployment('staging', inventory, definition({ nameSuffix: '-staging' }), {
      accountId: ACCOUNT_ID,
    });
    for (const planned of staging.apps) {
      expect([planned.projectName, ...planned.resources.map((r) => r.physicalName)]).toEqual(
        Array(3).fill(`createsomething-${planned.name}-staging`),
      );
      // The logical names existing stacks hold: the package's own database and namespace.
      expect(planned.resources.map((r) => r.logicalName)).toEqual([`${planned.name}-database`, `${planned.name}-kv`]);
    }
  });

  it('plans a Worker only where the stack enables it', () => {
    const off = planDeployment('x', inventory, definition(), { accountId: ACCOUNT_ID });
    expect(off.apps.flatMap((a) => a.workers)).toEqual([]);
    const on = planDeployment('x', inventory, definition({ workers: ['space/motion-extractor'] }), {
      accountId: ACCOUNT_ID,
      apiBaseUrl: 'http://127.0.0.1:9999/client/v4',
    });
    expect(on.apps.flatMap((a) => a.workers)).toEqual([
      expect.objectContaining({
        app: 'space',
        scriptName: 'motion-extractor',
        url: 'http://motion-extractor.workers.localhost:9999/',
        bindings: [
          { kind: 'd1', name: 'DB', resource: 'createsomething-space', resourceName: 'space-database' },
          { kind: 'kv', name: 'KV', resource: 'createsomething-space', resourceName: 'space-kv' },
          { kind: 'browser', name: 'BROWSER', value: '' },
        ],
      }),
    ]);
  });

  it('knows local site URLs only when the API is the emulator on loopback', () => {
    const local = planDeployment('local', inventory, definition(), {
      accountId: ACCOUNT_ID,
      apiBaseUrl: 'http://127.0.0.1:8787/client/v4',
    });
    expect(local.apps[0]?.localSiteUrl).toBe('http://createsomething-space.pages.localhost:8787/');
    const cloud = planDeployment('prod', inventory, definition(), { accountId: ACCOUNT_ID });
    expect(cloud.apps[0]?.localSiteUrl).toBeUndefined();
  });

  it('deploys to the production branch unless the stack names another', () => {
    expect(planDeployment('x', inventory, definition(), { accountId: ACCOUNT_ID }).apps[0]?.deployBranch).toBe('main');
    expect(
      planDeployment('x', inventory, definition({ deployBranch: 'rehearsal' }), { accountId: ACCOUNT_ID }).apps[0]
        ?.deployBranch,
    ).toBe('rehearsal');
  });

  it('names a Worker or package that does not exist instead of skipping it', () => {
    expect(() =>
      planDeployment('x', inventory, definition({ workers: ['space/nope'] }), { accountId: ACCOUNT_ID }),
    ).toThrow(/enables Worker "space\/nope", but there is no folder packages\/space\/workers\/nope\//);
    expect(() =>
      planDeployment('x', inventory, definition({ customDomains: { shop: ['shop.example.com'] } }), {
        accountId: ACCOUNT_ID,
      }),
    ).toThrow(/custom domains for "shop", which is not a package/);
  });

  it('gives every app distinct, valid physical names for any package names and suffix', () => {
    const packageName = fc.stringMatching(/^[a-z][a-z0-9]{0,15}$/);
    const suffix = fc.constantFrom('', '-staging', '-pr-12', '-eu');
    fc.assert(
      fc.property(fc.uniqueArray(packageName, { minLength: 1, maxLength: 20 }), suffix, (names, nameSuffix) => {
        const plan = planDeployment(
          'x',
          { rootDir: '/r', apps: names.map((n) => app(n)) },
          definition({ nameSuffix }),
          {
            accountId: ACCOUNT_ID,
          },
        );
        const projects = plan.apps.map((a) => a.projectName);
        expect(new Set(projects).size).toBe(names.length);
        for (const project of projects) expect(project).toMatch(/^[a-z0-9][a-z0-9-]{0,56}[a-z0-9]$/);
      }),
    );
  });
});

describe('stack definitions', () => {
  it('refuse unknown fields and malformed values with the field named', () => {
    const result = stackDefinitionSchema.safeParse({
      nameSuffix: 'Staging',
      productionBranch: 'main',
      protect: 'yes',
      workers: [],
      extra: 1,
    });
    expect(result.success).toBe(false);
    const paths = result.error?.issues.map((i) => i.path.join('.') || i.message);
    expect(paths).toEqual(expect.arrayContaining(['nameSuffix', 'protect']));
    expect(JSON.stringify(result.error?.issues)).toContain('extra');
  });
});
