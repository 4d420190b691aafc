import { BINDING_KINDS, kindOf } from '../bindings';
import type { DeploymentPlan } from './types';

/**
 * Adoption: bringing resources that already exist in the account (made by hand with wrangler, say) under this
 * program's management instead of creating twins of them. Pure: which resources a stack's plan declares and under
 * which URN, what to do with each given what Cloudflare and the stack's state hold, and the `pulumi import` file
 * that does it. `scripts/adopt.ts` does the looking up and runs the import.
 *
 * The logical names and parents here mirror `infra/components/site-app.ts` and `worker.ts`; a unit test runs the
 * real program under mocks and fails if a URN below is not one the program registers.
 */

/** Pulumi type tokens of everything adoption touches: the components, every binding kind's resource, the rest. */
export const TYPES: Readonly<Record<string, string>> & {
  siteApp: string;
  worker: string;
  pages: string;
  pagesDomain: string;
  workerScript: string;
  workerSubdomain: string;
} = {
  siteApp: 'create-something:index:SiteApp',
  worker: 'create-something:index:Worker',
  ...Object.fromEntries(BINDING_KINDS.flatMap((k) => (k.resource ? [[k.kind, k.resource.type]] : []))),
  pages: 'cloudflare:index/pagesProject:PagesProject',
  pagesDomain: 'cloudflare:index/pagesDomain:PagesDomain',
  workerScript: 'cloudflare:index/workersScript:WorkersScript',
  workerSubdomain: 'cloudflare:index/workersScriptSubdomain:WorkersScriptSubdomain',
} as const;

/** What every app and Worker has. */
const FIXED_KINDS = ['pages', 'pagesDomain', 'workerScript', 'workerSubdomain'] as const;
/** One of {@link FIXED_KINDS}, or a binding kind with a resource (infra/bindings/: `d1`, `kv`, `r2`, `queue`, …). */
export type AdoptableKind = (typeof FIXED_KINDS)[number] | (string & {});
const resourceKind = (kind: AdoptableKind) =>
  (FIXED_KINDS as readonly string[]).includes(kind) ? undefined : kindOf(kind).resource;

/** A component resource, with its own parent (none: the stack). */
export interface ComponentRef {
  type: string;
  name: string;
  parent?: ComponentRef;
}

/** One Cloudflare resource the plan declares, and how to find it by name. */
export interface AdoptionTarget {
  kind: AdoptableKind;
  app: string;
  type: string;
  logicalName: string;
  parent: ComponentRef;
  /** What it is called in Cloudflare: D1 name, KV title, bucket or queue name, project name, domain, script name. */
  physicalName: string;
  /** The Pages project a custom domain belongs to. */
  projectName?: string;
  /** Whether the program declares it with `protect` (then it is imported protected too). */
  protect: boolean;
}

/** What a lookup by name found in Cloudflare. */
export interface FoundResource {
  /** The id Pulumi's state keeps for it: D1 uuid, KV namespace id, project name, domain name, script name. */
  id: string;
  /** D1: the jurisdiction it is restricted to (`eu`, `fedramp`), when any. */
  jurisdiction?: string | null;
  /** D1: `production`, or `alpha` for a database of D1's alpha. */
  version?: string;
  /** Pages: the Git provider the project builds from (`github`, `gitlab`); absent for Direct Upload projects. */
  sourceType?: string;
}

/** A resource as the stack's state (`pulumi stack export`) records it. */
export interface ManagedResource {
  urn: string;
  id?: string;
}

export type AdoptionAction = 'adopt' | 'managed' | 'create' | 'refuse';

export interface AdoptionRow {
  target: AdoptionTarget;
  urn: string;
  action: AdoptionAction;
  /** What Cloudflare has under the name (when it has one). */
  found?: FoundResource;
  /** The id `pulumi import` takes (`<account_id>/<…>`), for rows to adopt. */
  importId?: string;
  /** Why, in a sentence, for every row that is not a plain adopt or create. */
  reason?: string;
}

/** The URN Pulumi gives a resource of `type` named `name` under `parent` (the stack when there is none). */
export function urnOf(stack: string, project: string, type: string, name: string, parent?: ComponentRef): string {
  const chain: string[] = [];
  for (let p = parent; p; p = p.parent) chain.unshift(p.type);
  return `urn:pulumi:${stack}::${project}::${[...chain, type].join('$')}::${name}`;
}

/**
 * Every Cloudflare resource the plan declares that can exist before the stack does, in declaration order: per app
 * its resources (D1 databases, KV namespaces, R2 buckets, queues), Pages project and custom domains, then its Workers with their workers.dev setting.
 * The program's other resources are records of this program (migrations applied, bindings checked, uploads made) and
 * are created by the next `up`, which reads what is there first.
 */
export function adoptionTargets(plan: DeploymentPlan): AdoptionTarget[] {
  const targets: AdoptionTarget[] = [];
  for (const app of plan.apps) {
    const siteApp: ComponentRef = { type: TYPES.siteApp, name: app.name };
    const of = (kind: AdoptableKind, suffix: string, physicalName: string, protect: boolean) => ({
      kind,
      app: app.name,
      type: TYPES[kind] as string,
      logicalName: `${app.name}-${suffix}`,
      parent: siteApp,
      physicalName,
      protect,
    });
    for (const resource of app.resources) {
      targets.push({
        ...of(resource.kind as AdoptableKind, '', resource.physicalName, resource.protect),
        logicalName: resource.logicalName,
      });
    }
    targets.push(of('pages', 'pages', app.projectName, app.protect));
    for (const domain of app.customDomains) {
      targets.push({ ...of('pagesDomain', `domain-${domain}`, domain, false), projectName: app.projectName });
    }
    for (const worker of app.workers) {
      const component: ComponentRef = { type: TYPES.worker, name: worker.logicalName, parent: siteApp };
      for (const [kind, suffix] of [
        ['workerScript', 'script'],
        ['workerSubdomain', 'subdomain'],
      ] as const) {
        targets.push({
          kind,
          app: app.name,
          type: TYPES[kind] as string,
          logicalName: `${worker.logicalName}-${suffix}`,
          parent: component,
          physicalName: worker.scriptName,
          protect: false,
        });
      }
    }
  }
  return targets;
}

/** The import id the upstream Cloudflare provider takes for each kind (see its schema's "Import" sections). */
export function importIdOf(accountId: string, target: AdoptionTarget, found: FoundResource): string {
  switch (target.kind) {
    case 'pagesDomain':
      return `${accountId}/${target.projectName}/${found.id}`;
    case 'workerSubdomain':
      return `${accountId}/${target.physicalName}`;
    default:
      return resourceKind(target.kind)?.importId(accountId, found, target.physicalName) ?? `${accountId}/${found.id}`;
  }
}

const FIXED_LABEL: Record<(typeof FIXED_KINDS)[number], string> = {
  pages: 'Pages project',
  pagesDomain: 'Pages custom domain',
  workerScript: 'Worker script',
  workerSubdomain: "Worker's workers.dev setting",
};
const labelOf = (kind: AdoptableKind) => resourceKind(kind)?.label ?? FIXED_LABEL[kind as (typeof FIXED_KINDS)[number]];

/** Why the program could not manage this resource as it is, or undefined when it can. */
export function shapeProblem(target: AdoptionTarget, found: FoundResource): string | undefined {
  const what = `${labelOf(target.kind)} ${target.physicalName}`;
  const problem = resourceKind(target.kind)?.adoptionProblem?.(found, what);
  if (problem) return problem;
  if (target.kind === 'pages' && found.sourceType) {
    return `${what} is connected to Git (${found.sourceType}), and this program deploys by Direct Upload: Cloudflare cannot switch a project between the two. Rename or delete that project (its custom domains go with it), and adopt again.`;
  }
  return undefined;
}

/** Whether the state's id is the found id, so a mismatch means the stack manages another resource of that name. */
const idInState = (kind: AdoptableKind) =>
  resourceKind(kind)?.idInState ?? (kind === 'pages' || kind === 'workerScript');

/**
 * What to do with each target: adopt what exists and the stack does not manage yet, leave what it manages, let the
 * next `up` create what does not exist, and refuse (for the whole run) what the program could not manage as it is.
 *
 * @param found what a lookup by name found, by logical name (absent or empty: nothing of that name)
 * @param state the stack's resources now
 */
export function decideAdoption(input: {
  stack: string;
  project: string;
  accountId: string;
  targets: readonly AdoptionTarget[];
  found: Readonly<Record<string, readonly FoundResource[]>>;
  state: readonly ManagedResource[];
}): AdoptionRow[] {
  const managed = new Map(input.state.map((r) => [r.urn, r]));
  return input.targets.map((target): AdoptionRow => {
    const urn = urnOf(input.stack, input.project, target.type, target.logicalName, target.parent);
    const matches = input.found[target.logicalName] ?? [];
    const inState = managed.get(urn);
    const [found] = matches;
    const row = { target, urn, ...(found ? { found } : {}) };
    if (matches.length > 1) {
      return {
        ...row,
        action: 'refuse',
        reason: `${matches.length} ${labelOf(target.kind)}s are named ${target.physicalName} (${matches.map((m) => m.id).join(', ')}): which one the stack means is unclear. Rename or delete the others, and adopt again.`,
      };
    }
    if (inState) {
      if (found && idInState(target.kind) && inState.id !== undefined && inState.id !== found.id) {
        return {
          ...row,
          action: 'refuse',
          reason: `the stack manages ${target.logicalName} as ${inState.id}, but the ${labelOf(target.kind)} named ${target.physicalName} is ${found.id}. Run \`pulumi refresh --stack ${input.stack}\` (it drops from the state what no longer exists), then adopt again.`,
        };
      }
      return found
        ? { ...row, action: 'managed' }
        : {
            ...row,
            action: 'managed',
            reason: `in the stack's state, but not in Cloudflare: \`pulumi up --refresh --stack ${input.stack}\` creates it again`,
          };
    }
    if (!found) return { ...row, action: 'create' };
    const problem = shapeProblem(target, found);
    if (problem) return { ...row, action: 'refuse', reason: problem };
    return { ...row, action: 'adopt', importId: importIdOf(input.accountId, target, found) };
  });
}

/** One entry of a `pulumi import --file` file. */
export interface ImportSpec {
  type: string;
  name: string;
  id?: string;
  parent?: string;
  component?: boolean;
  version?: string;
}

export interface ImportFile {
  nameTable: Record<string, string>;
  resources: ImportSpec[];
}

/** An import file and the `--protect` value to run it with. */
export interface ImportRun {
  protect: boolean;
  file: ImportFile;
}

/**
 * The `pulumi import` runs that adopt the rows to adopt: one without protection (with the components every adopted
 * resource needs as its parent, and whatever the program does not protect), then one with `--protect` for what the
 * program protects, so those are protected from the import on. Components already in the state are referred to by
 * URN. Nothing to adopt: no runs.
 */
export function importRuns(input: {
  stack: string;
  project: string;
  rows: readonly AdoptionRow[];
  state: readonly ManagedResource[];
  /** Version of the Cloudflare provider the program uses, so the import's default provider is the program's. */
  providerVersion: string;
}): ImportRun[] {
  const adopted = input.rows.filter((r) => r.action === 'adopt');
  if (adopted.length === 0) return [];
  const inState = new Set(input.state.map((r) => r.urn));
  const urn = (c: ComponentRef) => urnOf(input.stack, input.project, c.type, c.name, c.parent);
  const nameTable: Record<string, string> = {};
  const components: ComponentRef[] = [];
  const seen = new Set<string>();
  const refer = (component: ComponentRef): string => {
    if (!seen.has(urn(component))) {
      seen.add(urn(component));
      if (component.parent) refer(component.parent);
      if (inState.has(urn(component))) nameTable[component.name] = urn(component);
      else components.push(component);
    }
    return component.name;
  };
  const spec = (row: AdoptionRow): ImportSpec => ({
    type: row.target.type,
    name: row.target.logicalName,
    id: row.importId as string,
    parent: refer(row.target.parent),
    version: input.providerVersion,
  });
  const open = adopted.filter((r) => !r.target.protect).map(spec);
  const guarded = adopted.filter((r) => r.target.protect).map(spec);
  const componentSpecs = components.map(
    (c): ImportSpec => ({
      type: c.type,
      name: c.name,
      component: true,
      ...(c.parent ? { parent: c.parent.name } : {}),
    }),
  );
  const runs: ImportRun[] = [];
  if (componentSpecs.length > 0 || open.length > 0) {
    runs.push({ protect: false, file: { nameTable: { ...nameTable }, resources: [...componentSpecs, ...open] } });
  }
  if (guarded.length > 0) {
    // By the second run the components are in the state: it refers to them by URN.
    const table = { ...nameTable, ...Object.fromEntries(components.map((c) => [c.name, urn(c)])) };
    runs.push({ protect: true, file: { nameTable: table, resources: guarded } });
  }
  return runs;
}

const ACTION_TEXT: Record<AdoptionAction, (row: AdoptionRow) => string> = {
  adopt: (row) => (row.target.protect ? 'adopt (protected)' : 'adopt'),
  managed: () => 'already managed',
  create: () => 'will be created by the next up',
  refuse: () => 'REFUSED (see below)',
};

/** The table `pnpm adopt` prints: resource, physical name, what Cloudflare has, what happens. */
export function formatAdoptionTable(rows: readonly AdoptionRow[]): string {
  const lines = [['resource', 'physical name', 'in Cloudflare', 'action']];
  for (const row of rows) {
    lines.push([
      `${row.target.logicalName} (${row.target.type.split(':').pop()})`,
      row.target.physicalName,
      row.found ? `found ${row.found.id}` : 'not found',
      ACTION_TEXT[row.action](row),
    ]);
  }
  const widths = (lines[0] as string[]).map((_, i) => Math.max(...lines.map((l) => (l[i] as string).length)));
  const format = (cells: string[]) =>
    cells
      .map((c, i) => c.padEnd(widths[i] as number))
      .join('  ')
      .trimEnd();
  const out = [format(lines[0] as string[]), widths.map((w) => '-'.repeat(w)).join('  ')];
  for (const line of lines.slice(1)) out.push(format(line));
  const notes = rows.filter((r) => r.reason);
  for (const row of notes)
    out.push(`${row.action === 'refuse' ? 'REFUSED' : 'note'}: ${row.target.logicalName}: ${row.reason}`);
  return out.join('\n');
}
