import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  type AdoptionRow,
  adoptionTargets,
  decideAdoption,
  type FoundResource,
  formatAdoptionTable,
  importRuns,
  type ManagedResource,
  TYPES,
  urnOf,
} from '../../infra/plan/adoption';
import { planDeployment } from '../../infra/plan/plan';
import type { Inventory } from '../../infra/plan/types';
import { stackDefinitionSchema } from '../../stacks/definition';
import { appSource } from './support/app-source';
import { ACCOUNT_ID } from './support/pulumi-harness';

const app = (name: string, workers: string[] = []) => appSource(name, workers);

const inventory: Inventory = { rootDir: '/repo', apps: [app('space', ['motion-extractor']), app('ltd')] };
const plan = (overrides: Record<string, unknown> = {}, stack = 'prod') =>
  planDeployment(
    stack,
    inventory,
    stackDefinitionSchema.parse({
      nameSuffix: '',
      productionBranch: 'main',
      protect: true,
      workers: ['space/motion-extractor'],
      ...overrides,
    }),
    { accountId: ACCOUNT_ID },
  );
const PROJECT = 'create-something';
const decide = (
  found: Record<string, FoundResource[]>,
  state: ManagedResource[] = [],
  targets = adoptionTargets(plan()),
  stack = 'prod',
) => decideAdoption({ stack, project: PROJECT, accountId: ACCOUNT_ID, targets, found, state });
const byName = (rows: AdoptionRow[]) => Object.fromEntries(rows.map((r) => [r.target.logicalName, r]));

/** Everything the prod plan declares, as hand-made resources would be found. */
const everythingFound: Record<string, FoundResource[]> = {
  'space-database': [{ id: 'uuid-space', version: 'production' }],
  'space-kv': [{ id: 'kv-space' }],
  'space-pages': [{ id: 'createsomething-space' }],
  'space-motion-extractor-script': [{ id: 'motion-extractor' }],
  'space-motion-extractor-subdomain': [{ id: 'motion-extractor' }],
  'ltd-database': [{ id: 'uuid-ltd', version: 'production' }],
  'ltd-kv': [{ id: 'kv-ltd' }],
  'ltd-pages': [{ id: 'createsomething-ltd' }],
};

describe('which resources adoption looks up', () => {
  it("lists each app's D1, KV, Pages project and custom domains, then its Workers, by the plan's physical names", () => {
    const targets = adoptionTargets(plan({ customDomains: { ltd: ['createsomething.ltd'] } }));
    expect(targets.map((t) => [t.logicalName, t.kind, t.physicalName, t.protect])).toEqual([
      ['space-database', 'd1', 'createsomething-space', true],
      ['space-kv', 'kv', 'createsomething-space', true],
      ['space-pages', 'pages', 'createsomething-space', true],
      ['space-motion-extractor-script', 'workerScript', 'motion-extractor', false],
      ['space-motion-extractor-subdomain', 'workerSubdomain', 'motion-extractor', false],
      ['ltd-database', 'd1', 'createsomething-ltd', true],
      ['ltd-kv', 'kv', 'createsomething-ltd', true],
      ['ltd-pages', 'pages', 'createsomething-ltd', true],
      ['ltd-domain-createsomething.ltd', 'pagesDomain', 'createsomething.ltd', false],
    ]);
    expect(targets.find((t) => t.kind === 'pagesDomain')?.projectName).toBe('createsomething-ltd');
  });

  it("uses the stack's suffix and protection", () => {
    const targets = adoptionTargets(plan({ nameSuffix: '-staging', protect: false }, 'staging'));
    expect(targets.map((t) => t.physicalName)).toContain('createsomething-ltd-staging');
    expect(targets.map((t) => t.physicalName)).toContain('motion-extractor-staging');
    expect(targets.every((t) => !t.protect)).toBe(true);
  });

  it('builds URNs with the parent type chain, as the engine does', () => {
    const script = adoptionTargets(plan()).find((t) => t.kind === 'workerScript');
    expect(script && urnOf('prod', PROJECT, script.type, script.logicalName, script.parent)).toBe(
      'urn:pulumi:prod::create-something::create-something:index:SiteApp$create-something:index:Worker$cloudflare:index/workersScript:WorkersScript::space-motion-extractor-script',
    );
    expect(urnOf('prod', PROJECT, TYPES.siteApp, 'ltd')).toBe(
      'urn:pulumi:prod::create-something::create-something:index:SiteApp::ltd',
    );
  });
});

describe('what adoption does with each resource', () => {
  it('adopts what exists with the import id the upstream provider takes, and lets up create the rest', () => {
    const rows = byName(
      decide({
        'ltd-database': [{ id: 'uuid-ltd', version: 'production' }],
        'ltd-kv': [{ id: 'kv-ltd' }],
        'ltd-pages': [{ id: 'createsomething-ltd' }],
        'space-motion-extractor-script': [{ id: 'motion-extractor' }],
        'space-motion-extractor-subdomain': [{ id: 'motion-extractor' }],
      }),
    );
    expect(rows['ltd-database']).toMatchObject({ action: 'adopt', importId: `${ACCOUNT_ID}/uuid-ltd` });
    expect(rows['ltd-kv']).toMatchObject({ action: 'adopt', importId: `${ACCOUNT_ID}/kv-ltd` });
    expect(rows['ltd-pages']).toMatchObject({ action: 'adopt', importId: `${ACCOUNT_ID}/createsomething-ltd` });
    expect(rows['space-motion-extractor-script']?.importId).toBe(`${ACCOUNT_ID}/motion-extractor`);
    expect(rows['space-motion-extractor-subdomain']?.importId).toBe(`${ACCOUNT_ID}/motion-extractor`);
    expect(rows['space-database']?.action).toBe('create');
  });

  it('imports a custom domain as <account>/<project>/<domain>', () => {
    const targets = adoptionTargets(plan({ customDomains: { ltd: ['createsomething.ltd'] } }));
    const rows = byName(decide({ 'ltd-domain-createsomething.ltd': [{ id: 'createsomething.ltd' }] }, [], targets));
    expect(rows['ltd-domain-createsomething.ltd']?.importId).toBe(
      `${ACCOUNT_ID}/createsomething-ltd/createsomething.ltd`,
    );
  });

  it('refuses a D1 database of the same name in another jurisdiction, since up would replace (delete) it', () => {
    const rows = byName(decide({ 'ltd-database': [{ id: 'uuid-eu', jurisdiction: 'eu', version: 'production' }] }));
    expect(rows['ltd-database']?.action).toBe('refuse');
    expect(rows['ltd-database']?.reason).toBe(
      'D1 database createsomething-ltd is restricted to jurisdiction "eu", and this stack declares none: the next up would replace it, which deletes it with its data. Export its data, then rename or delete it, and adopt again.',
    );
  });

  it('refuses a D1 alpha database and a Git-connected Pages project', () => {
    const rows = byName(
      decide({
        'ltd-database': [{ id: 'uuid-old', version: 'alpha' }],
        'ltd-pages': [{ id: 'createsomething-ltd', sourceType: 'github' }],
      }),
    );
    expect(rows['ltd-database']?.reason).toMatch(/is a D1 "alpha" database, not a production one/);
    expect(rows['ltd-pages']?.reason).toMatch(
      /createsomething-ltd is connected to Git \(github\), and this program deploys by Direct Upload/,
    );
  });

  it('refuses two resources of one name instead of guessing', () => {
    const rows = byName(decide({ 'ltd-kv': [{ id: 'kv-a' }, { id: 'kv-b' }] }));
    expect(rows['ltd-kv']).toMatchObject({ action: 'refuse' });
    expect(rows['ltd-kv']?.reason).toMatch(/2 KV namespaces are named createsomething-ltd \(kv-a, kv-b\)/);
  });

  it('leaves what the stack manages; refuses when the state holds another resource of that name', () => {
    const db = adoptionTargets(plan()).find((t) => t.logicalName === 'ltd-database');
    if (!db) throw new Error('no ltd-database target');
    const urn = urnOf('prod', PROJECT, db.type, db.logicalName, db.parent);
    expect(byName(decide(everythingFound, [{ urn, id: 'uuid-ltd' }]))['ltd-database']?.action).toBe('managed');
    const gone = byName(decide({}, [{ urn, id: 'uuid-ltd' }]))['ltd-database'];
    expect(gone).toMatchObject({ action: 'managed' });
    expect(gone?.reason).toMatch(/not in Cloudflare: `pulumi up --refresh --stack prod` creates it again/);
    const other = byName(decide(everythingFound, [{ urn, id: 'uuid-older' }]))['ltd-database'];
    expect(other?.action).toBe('refuse');
    expect(other?.reason).toMatch(
      /manages ltd-database as uuid-older, but the D1 database named createsomething-ltd is uuid-ltd/,
    );
  });
});

describe('the pulumi import runs', () => {
  const providerVersion = '6.17.0';

  it('imports components first, unprotected, then what the program protects with --protect', () => {
    const rows = decide(everythingFound);
    const runs = importRuns({ stack: 'prod', project: PROJECT, rows, state: [], providerVersion });
    expect(runs.map((r) => r.protect)).toEqual([false, true]);
    const [open, guarded] = runs;
    expect(open?.file.resources).toEqual([
      { type: TYPES.siteApp, name: 'space', component: true },
      { type: TYPES.worker, name: 'space-motion-extractor', component: true, parent: 'space' },
      { type: TYPES.siteApp, name: 'ltd', component: true },
      {
        type: TYPES.workerScript,
        name: 'space-motion-extractor-script',
        id: `${ACCOUNT_ID}/motion-extractor`,
        parent: 'space-motion-extractor',
        version: providerVersion,
      },
      {
        type: TYPES.workerSubdomain,
        name: 'space-motion-extractor-subdomain',
        id: `${ACCOUNT_ID}/motion-extractor`,
        parent: 'space-motion-extractor',
        version: providerVersion,
      },
    ]);
    expect(guarded?.file.resources.map((r) => [r.name, r.parent, r.id])).toEqual([
      ['space-database', 'space', `${ACCOUNT_ID}/uuid-space`],
      ['space-kv', 'space', `${ACCOUNT_ID}/kv-space`],
      ['space-pages', 'space', `${ACCOUNT_ID}/createsomething-space`],
      ['ltd-database', 'ltd', `${ACCOUNT_ID}/uuid-ltd`],
      ['ltd-kv', 'ltd', `${ACCOUNT_ID}/kv-ltd`],
      ['ltd-pages', 'ltd', `${ACCOUNT_ID}/createsomething-ltd`],
    ]);
    expect(guarded?.file.nameTable).toEqual({
      space: 'urn:pulumi:prod::create-something::create-something:index:SiteApp::space',
      'space-motion-extractor':
        'urn:pulumi:prod::create-something::create-something:index:SiteApp$create-something:index:Worker::space-motion-extractor',
      ltd: 'urn:pulumi:prod::create-something::create-something:index:SiteApp::ltd',
    });
  });

  it('refers to components already in the state by URN instead of importing them again', () => {
    const ltd = 'urn:pulumi:prod::create-something::create-something:index:SiteApp::ltd';
    const rows = decide({ 'ltd-kv': [{ id: 'kv-ltd' }] });
    const runs = importRuns({ stack: 'prod', project: PROJECT, rows, state: [{ urn: ltd }], providerVersion });
    expect(runs).toEqual([
      {
        protect: true,
        file: {
          nameTable: { ltd },
          resources: [
            {
              type: TYPES.kv,
              name: 'ltd-kv',
              id: `${ACCOUNT_ID}/kv-ltd`,
              parent: 'ltd',
              version: providerVersion,
            },
          ],
        },
      },
    ]);
  });

  it('imports in one unprotected run on an unprotected stack, and not at all when nothing is to adopt', () => {
    const targets = adoptionTargets(plan({ protect: false }));
    const rows = decide(everythingFound, [], targets);
    const runs = importRuns({ stack: 'prod', project: PROJECT, rows, state: [], providerVersion });
    expect(runs.map((r) => [r.protect, r.file.resources.length])).toEqual([[false, 11]]); // 8 resources and 3 components
    expect(importRuns({ stack: 'prod', project: PROJECT, rows: decide({}), state: [], providerVersion })).toEqual([]);
  });

  it('adopts each found resource once, protected as declared, and a second adoption finds nothing to do', () => {
    const targets = adoptionTargets(plan());
    const names = targets.map((t) => t.logicalName);
    const foundArb = fc.dictionary(
      fc.constantFrom(...names),
      fc.array(
        fc.record({
          id: fc.constantFrom('a', 'b'),
          jurisdiction: fc.constantFrom(undefined, 'eu'),
          sourceType: fc.constantFrom(undefined, 'github'),
        }),
        { maxLength: 2 },
      ),
    );
    fc.assert(
      fc.property(foundArb, fc.subarray(names), (rawFound, managed) => {
        const found = Object.fromEntries(
          Object.entries(rawFound).map(([k, list]) => [
            k,
            list.map((f) => ({
              id: f.id,
              ...(f.jurisdiction ? { jurisdiction: f.jurisdiction } : {}),
              ...(f.sourceType ? { sourceType: f.sourceType } : {}),
            })),
          ]),
        );
        const urnByName = new Map(
          targets.map((t) => [t.logicalName, urnOf('prod', PROJECT, t.type, t.logicalName, t.parent)]),
        );
        const state = managed.map((n) => ({ urn: urnByName.get(n) as string, id: found[n]?.[0]?.id ?? 'a' }));
        const rows = decide(found, state, targets);
        for (const row of rows) {
          const matches = found[row.target.logicalName] ?? [];
          if (row.action === 'adopt') {
            expect(managed).not.toContain(row.target.logicalName);
            expect(matches).toHaveLength(1);
            expect(row.importId?.startsWith(`${ACCOUNT_ID}/`)).toBe(true);
          }
          if (matches.length === 0 && !managed.includes(row.target.logicalName)) expect(row.action).toBe('create');
        }
        if (rows.some((r) => r.action === 'refuse')) return;
        const runs = importRuns({ stack: 'prod', project: PROJECT, rows, state, providerVersion });
        const imported = runs.flatMap((r) =>
          r.file.resources.filter((s) => !s.component).map((s) => [s.name, r.protect]),
        );
        expect(imported.map(([n]) => n).sort()).toEqual(
          rows
            .filter((r) => r.action === 'adopt')
            .map((r) => r.target.logicalName)
            .sort(),
        );
        for (const [name, protect] of imported)
          expect(protect).toBe(targets.find((t) => t.logicalName === name)?.protect);
        // After the import, the state has them all: running adoption again adopts nothing.
        const after = [
          ...state,
          ...rows.filter((r) => r.action === 'adopt').map((r) => ({ urn: r.urn, id: r.found?.id as string })),
        ];
        const again = decide(found, after, targets);
        expect(again.filter((r) => r.action === 'adopt')).toEqual([]);
        expect(importRuns({ stack: 'prod', project: PROJECT, rows: again, state: after, providerVersion })).toEqual([]);
      }),
    );
  });
});

describe('the adoption table', () => {
  it('shows resource, physical name, what was found and the action, then every reason', () => {
    const table = formatAdoptionTable(
      decide({
        'ltd-database': [{ id: 'uuid-ltd', version: 'production' }],
        'ltd-pages': [{ id: 'createsomething-ltd', sourceType: 'gitlab' }],
        'space-motion-extractor-script': [{ id: 'motion-extractor' }],
      }),
    );
    const lines = table.split('\n');
    expect(lines[0]).toMatch(/^resource\s+physical name\s+in Cloudflare\s+action$/);
    expect(table).toMatch(/ltd-database \(D1Database\)\s+createsomething-ltd\s+found uuid-ltd\s+adopt \(protected\)/);
    expect(table).toMatch(
      /ltd-kv \(WorkersKvNamespace\)\s+createsomething-ltd\s+not found\s+will be created by the next up/,
    );
    expect(table).toMatch(
      /space-motion-extractor-script \(WorkersScript\)\s+motion-extractor\s+found motion-extractor\s+adopt\n/,
    );
    expect(table).toMatch(
      /ltd-pages \(PagesProject\)\s+createsomething-ltd\s+found createsomething-ltd\s+REFUSED \(see below\)/,
    );
    expect(lines.at(-1)).toMatch(
      /^REFUSED: ltd-pages: Pages project createsomething-ltd is connected to Git \(gitlab\)/,
    );
  });
});
