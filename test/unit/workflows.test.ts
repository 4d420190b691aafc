import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { z } from 'zod';

interface Step {
  name?: string;
  id?: string;
  uses?: string;
  run?: string;
  with?: Record<string, unknown>;
  env?: Record<string, string>;
  if?: string;
  'continue-on-error'?: boolean;
}
interface Job {
  name?: string;
  if?: string;
  needs?: string | string[];
  uses?: string;
  environment?: string | { name: string };
  permissions?: Record<string, string>;
  strategy?: { matrix?: { stack?: string[] } };
  env?: Record<string, string>;
  'timeout-minutes'?: number;
  concurrency?: { group: string; 'cancel-in-progress': boolean };
  steps?: Step[];
}
interface Workflow {
  on: Record<string, unknown>;
  permissions?: Record<string, string>;
  jobs: Record<string, Job>;
}

const secretSpec = z.strictObject({
  // site: a value the program binds into the deployed sites (a secret of theirs), reaching no API.
  service: z.enum(['cloudflare', 'pulumi', 'site']),
  access: z.enum(['read', 'write', 'none']),
  account: z.enum(['review', 'staging', 'prod', 'conformance']).optional(),
  stacks: z.array(z.string()).optional(),
});
const environmentSpec = z.strictObject({
  deployment_branches: z.union([z.literal('all'), z.array(z.string())]),
  required_reviewers: z.boolean(),
  prevent_self_review: z.boolean().optional(),
  secrets: z.record(z.string(), secretSpec),
  variables: z.record(z.string(), z.string()).optional(),
});
type SecretSpec = z.infer<typeof secretSpec>;
type EnvironmentSpec = z.infer<typeof environmentSpec>;

const ROOT = join(__dirname, '..', '..');
const GITHUB = join(ROOT, '.github');
const FILES = readdirSync(join(GITHUB, 'workflows')).filter((f) => /\.ya?ml$/.test(f));
const workflow = (file: string) => parse(readFileSync(join(GITHUB, 'workflows', file), 'utf8')) as Workflow;
const ENVIRONMENTS = z
  .record(z.string(), environmentSpec)
  .parse(parse(readFileSync(join(GITHUB, 'environments.yml'), 'utf8')));
const environmentOf = (job: Job) => (typeof job.environment === 'object' ? job.environment.name : job.environment);
const stepsOf = (job: Job) => job.steps ?? [];
const pulumiSteps = (job: Job) => stepsOf(job).filter((s) => s.uses?.startsWith('pulumi/actions@'));
/** Every `secrets.NAME` a job's text mentions (GITHUB_TOKEN reaches jobs as github.token, not as a secret here). */
const secretsOf = (job: Job) => [...JSON.stringify(job).matchAll(/secrets\.([A-Z0-9_]+)/g)].map((m) => m[1] as string);
const expr = (inner: string) => ['${{', inner, '}}'].join(' ');
const runLines = (job: Job) =>
  stepsOf(job).flatMap((s) =>
    (s.run ?? '')
      .split('\n')
      .map((l) => l.trim())
      .filter(Boolean),
  );

const ALL_JOBS = FILES.flatMap((file) => {
  const wf = workflow(file);
  return Object.entries(wf.jobs).map(([id, job]) => ({ file, id, job, on: wf.on }));
});
/** Jobs that run steps of their own (a job that only calls a reusable workflow has none). */
const STEP_JOBS = ALL_JOBS.filter((j) => j.job.steps !== undefined);
const pr = workflow('pull-request.yml');
const prJob = (id: string) => pr.jobs[id] as Job;
const deploy = workflow('deploy.yml');
const deployJob = (id: string) => deploy.jobs[id] as Job;

/** Whether a secret reads or writes anything of production: the prod account, or the prod stack (its config secrets). */
const touchesProd = (s: SecretSpec) => s.account === 'prod' || (s.stacks ?? []).includes('prod');

/**
 * Whether GitHub lets a run on `ref` into the environment without a person's approval: a run from any branch but main
 * runs code that was not reviewed through main's branch protection (a pull request, or a branch someone pushed with a
 * workflow file of its own, which may name any environment it likes).
 */
const unreviewedRunGetsSecrets = (env: EnvironmentSpec, ref: string) =>
  (env.deployment_branches === 'all' || env.deployment_branches.includes(ref)) && !env.required_reviewers;

/** Refs a workflow's trigger can run a job on: pull requests run on their own merge ref, dispatch on any branch. */
function refsOf(on: Record<string, unknown>): string[] {
  const refs = new Set<string>();
  for (const [event, filter] of Object.entries(on)) {
    if (event === 'pull_request' || event === 'pull_request_target') refs.add('refs/pull/7/merge');
    else if (event === 'push') {
      const branches = (filter as { branches?: string[] } | null)?.branches;
      for (const b of branches ?? ['any-pushed-branch']) refs.add(b);
    } else if (event === 'schedule') refs.add('main');
    else if (event === 'workflow_dispatch') refs.add('any-pushed-branch');
    else if (event === 'workflow_call') refs.add('the caller-s ref');
    else throw new Error(`no rule for the event ${event}: add one to refsOf`);
  }
  return [...refs];
}

describe('GitHub environments', () => {
  it('are the seven the workflows use, each with its secrets written down', () => {
    const names = ['conformance', 'main-read', 'preview', 'preview-prod', 'production', 'review', 'staging'];
    expect(Object.keys(ENVIRONMENTS).sort()).toEqual(names);
    const used = new Set(ALL_JOBS.map((j) => environmentOf(j.job)).filter(Boolean));
    expect([...used].sort()).toEqual(names);
  });

  it('give each job which environment', () => {
    const table = Object.fromEntries(ALL_JOBS.map((j) => [`${j.file}#${j.id}`, environmentOf(j.job) ?? null]));
    expect(table).toEqual({
      'build.yml#build': null,
      'check.yml#check': null,
      'conformance.yml#conformance': 'conformance',
      'deploy.yml#check': null,
      'deploy.yml#build': null,
      'deploy.yml#staging': 'staging',
      'deploy.yml#plan-prod': 'main-read',
      'deploy.yml#prod': 'production',
      'drift.yml#drift': 'main-read',
      'pull-request.yml#build': null,
      'pull-request.yml#preview-staging': 'preview',
      'pull-request.yml#preview-prod': 'preview-prod',
      'pull-request.yml#review-up': 'review',
      'pull-request.yml#comment': null,
      'pull-request.yml#comment-prod': null,
      'pull-request.yml#review-down': 'review',
    });
  });

  it('let a job use only the secrets of its environment, and a job without one none at all', () => {
    for (const { file, id, job } of ALL_JOBS) {
      const env = environmentOf(job);
      const allowed = env ? Object.keys(ENVIRONMENTS[env]?.secrets ?? {}) : [];
      for (const secret of secretsOf(job)) expect(allowed, `${file}#${id} uses secrets.${secret}`).toContain(secret);
    }
  });

  it('production needs a reviewer who is not the one who pushed, and accepts main only', () => {
    expect(ENVIRONMENTS.production).toMatchObject({
      deployment_branches: ['main'],
      required_reviewers: true,
      prevent_self_review: true,
    });
    expect(ENVIRONMENTS.production?.secrets.CLOUDFLARE_API_TOKEN).toMatchObject({ access: 'write', account: 'prod' });
    expect(ENVIRONMENTS.staging?.deployment_branches).toEqual(['main']);
  });
});

describe('no code nobody reviewed can read production data or decrypt its secrets', () => {
  it('an environment any branch can enter without approval holds nothing of prod (a pushed branch can name any)', () => {
    // What a branch pushed to this repository gets when its own workflow file names each environment.
    const exposed = Object.entries(ENVIRONMENTS).filter(([, env]) =>
      unreviewedRunGetsSecrets(env, 'any-pushed-branch'),
    );
    expect(exposed.map(([name]) => name).sort()).toEqual(['preview', 'review']);
    for (const [name, env] of exposed) {
      for (const [secret, spec] of Object.entries(env.secrets)) {
        expect(touchesProd(spec), `${name} hands ${secret} to unreviewed code`).toBe(false);
        // Nor anything that writes outside the review account and its pr-* stacks.
        if (spec.access === 'write') {
          expect(spec.account ?? 'review', `${name} ${secret}`).toBe('review');
          if (spec.stacks) expect(spec.stacks, `${name} ${secret}`).toEqual(['pr-*']);
        }
      }
    }
  });

  it('every token that touches prod sits behind main-only branches or a reviewer who is not the author', () => {
    const holders = Object.entries(ENVIRONMENTS).filter(([, env]) => Object.values(env.secrets).some(touchesProd));
    expect(holders.map(([name]) => name).sort()).toEqual(['main-read', 'preview-prod', 'production']);
    for (const [name, env] of holders) {
      const mainOnly = Array.isArray(env.deployment_branches) && env.deployment_branches.every((b) => b === 'main');
      const reviewed = env.required_reviewers && env.prevent_self_review === true;
      expect(mainOnly || reviewed, name).toBe(true);
      // Unreviewed branches can ask for approval, but only for reading.
      if (!mainOnly)
        expect(
          Object.values(env.secrets).every((s) => s.access === 'read'),
          name,
        ).toBe(true);
    }
  });

  it('for every job, on every ref its trigger can run it on, prod is reachable only from main or after approval', () => {
    let checked = 0;
    for (const { file, id, job, on } of ALL_JOBS) {
      const name = environmentOf(job);
      const env = name ? ENVIRONMENTS[name] : undefined;
      for (const ref of refsOf(on)) {
        checked++;
        if (ref === 'main' || !env) continue; // main is reviewed (branch protection); no environment: no secrets
        const reachable = unreviewedRunGetsSecrets(env, ref) ? Object.values(env.secrets) : [];
        expect(reachable.filter(touchesProd), `${file}#${id} on ${ref}`).toEqual([]);
      }
    }
    expect(checked).toBeGreaterThan(ALL_JOBS.length);
  });

  it('no workflow runs on pull_request_target or workflow_run (the base repository secrets, with the pull request code)', () => {
    for (const { file, on } of ALL_JOBS) {
      expect(Object.keys(on), file).not.toContain('pull_request_target');
      expect(Object.keys(on), file).not.toContain('workflow_run');
    }
  });

  it('jobs with secrets run for pull requests from this repository only, never from forks', () => {
    for (const { file, id, job, on } of ALL_JOBS) {
      if (!('pull_request' in on) || file === 'check.yml') continue;
      expect(job.if, `${file}#${id}`).toContain('github.event.pull_request.head.repo.full_name == github.repository');
    }
  });

  it('no run step puts event text (titles, branch names) or a matrix value into a shell directly', () => {
    for (const { file, id, job } of STEP_JOBS) {
      for (const step of stepsOf(job)) {
        expect(step.run ?? '', `${file}#${id}`).not.toMatch(/\$\{\{\s*(github\.(event|head_ref)|matrix\.)/);
      }
    }
  });

  it('previews read with the read tokens of their own stack only, and comment nothing themselves', () => {
    for (const [id, stack, token] of [
      ['preview-staging', 'staging', 'CLOUDFLARE_READ_TOKEN_STAGING'],
      ['preview-prod', 'prod', 'CLOUDFLARE_READ_TOKEN_PROD'],
    ] as const) {
      const [step] = pulumiSteps(prJob(id));
      expect(step?.with).toMatchObject({ command: 'preview', diff: true, 'stack-name': stack });
      expect(step?.with?.['comment-on-pr']).toBeUndefined();
      expect(secretsOf(prJob(id)).sort()).toEqual([token, 'PULUMI_ACCESS_TOKEN']);
      const env = ENVIRONMENTS[environmentOf(prJob(id)) as string];
      expect(env?.secrets.PULUMI_ACCESS_TOKEN?.stacks).toEqual([stack]);
    }
  });
});

describe('the review stack pr-<number>, in its own account', () => {
  const STACK = `pr-${expr('github.event.pull_request.number')}`;

  it('runs on open, every push, reopen and close of a pull request to main', () => {
    expect(pr.on).toEqual({
      pull_request: { types: ['opened', 'synchronize', 'reopened', 'closed'], branches: ['main'] },
    });
  });

  it('is brought up in the review account (never staging) unless the pull request is closing', () => {
    const job = prJob('review-up');
    expect(job.if).toContain("github.event.action != 'closed'");
    const [up] = pulumiSteps(job);
    expect(up?.with).toMatchObject({ command: 'up', 'stack-name': STACK, upsert: true });
    expect(up?.with?.['config-map']).toContain(
      `create-something:accountId: {value: '${expr('vars.REVIEW_ACCOUNT_ID')}'`,
    );
    // The sites' visitor-id key: the review environment's own, set as a secret of the stack.
    expect(up?.with?.['config-map']).toContain(
      `create-something:visitorKey: {value: '${expr('secrets.REVIEW_VISITOR_KEY')}', secret: true}`,
    );
    expect(up?.with?.['config-map']).toContain(
      `create-something:unsubscribeSecret: {value: '${expr('secrets.REVIEW_UNSUBSCRIBE_SECRET')}', secret: true}`,
    );
    expect(up?.env?.CLOUDFLARE_API_TOKEN).toBe(expr('secrets.CLOUDFLARE_API_TOKEN'));
    const review = ENVIRONMENTS.review;
    expect(Object.keys(review?.variables ?? {})).toEqual(['REVIEW_ACCOUNT_ID']);
    expect(Object.values(review?.secrets ?? {}).filter((s) => s.service === 'cloudflare')).toEqual([
      { service: 'cloudflare', access: 'write', account: 'review' },
    ]);
    for (const { file } of ALL_JOBS)
      expect(readFileSync(join(GITHUB, 'workflows', file), 'utf8'), file).not.toContain('STAGING_ACCOUNT_ID');
  });

  it('is destroyed and its stack removed when the pull request is closed, with the base branch code', () => {
    const job = prJob('review-down');
    expect(job.if).toContain("github.event.action == 'closed'");
    expect(environmentOf(job)).toBe('review');
    const checkout = stepsOf(job).find((s) => s.uses?.startsWith('actions/checkout@'));
    expect(checkout?.with?.ref).toBe(expr('github.event.pull_request.base.ref'));
    const step = stepsOf(job).find((s) => s.run?.includes('pulumi destroy'));
    expect(step?.env?.STACK).toBe(STACK);
    const lines = (step?.run ?? '').split('\n').map((l) => l.trim());
    const destroy = lines.indexOf('pulumi destroy --stack "$STACK" --yes --non-interactive --skip-preview');
    const remove = lines.indexOf('pulumi stack rm "$STACK" --yes --non-interactive');
    expect(destroy).toBeGreaterThan(-1);
    expect(remove).toBeGreaterThan(destroy);
    expect(lines.slice(destroy + 1, remove)).toEqual([]);
  });

  it('waits for a running update instead of cancelling it: up and down share one queue per pull request', () => {
    expect(prJob('review-up').concurrency).toEqual({
      group: `review-${expr('github.event.pull_request.number')}`,
      'cancel-in-progress': false,
    });
    expect(prJob('review-down').concurrency).toEqual(prJob('review-up').concurrency);
  });

  it("gets one comment with the site URLs and both previews, written with GITHUB_TOKEN only, again after prod's", () => {
    expect(prJob('comment').needs).toEqual(['preview-staging', 'review-up']);
    expect(prJob('comment-prod').needs).toEqual(['comment', 'preview-prod', 'review-up']);
    for (const id of ['comment', 'comment-prod']) {
      const job = prJob(id);
      expect(job.if).toMatch(/^always\(\) && /);
      expect(job.permissions).toEqual({ contents: 'read', 'pull-requests': 'write' });
      expect(environmentOf(job)).toBeUndefined();
      expect(secretsOf(job)).toEqual([]);
      const step = stepsOf(job).find((s) => s.run?.includes('scripts/ci/pr-comment.ts'));
      expect(step?.run).toContain('--apps artifacts/review-apps/apps.json');
      expect(step?.run).toContain('--preview staging=artifacts/preview-staging/preview.txt');
      expect(step?.run).toContain('--preview prod=artifacts/preview-prod/preview.txt');
    }
    expect(stepsOf(prJob('review-down')).at(-1)?.run).toContain('--destroyed');
  });

  it('the workflow grants no more than reading by default', () => {
    expect(pr.permissions).toEqual({ contents: 'read' });
  });
});

describe('gates: checks before merging and deploying, a reviewer before prod', () => {
  it('check.yml runs .ci/run check (lint, actionlint, type check, every tier but e2e) on pull requests and when called', () => {
    const check = workflow('check.yml');
    expect(check.on).toEqual({ pull_request: { branches: ['main'] }, workflow_call: {} });
    expect(check.permissions).toEqual({ contents: 'read' });
    const job = check.jobs.check as Job;
    expect(environmentOf(job)).toBeUndefined();
    expect(secretsOf(job)).toEqual([]);
    expect(runLines(job)).toContain('bash .ci/run check');
    const ci = readFileSync(join(ROOT, '.ci', 'run'), 'utf8');
    const checkPart = ci.slice(0, ci.indexOf('if [[ $mode == check ]]'));
    for (const command of ['pnpm lint', 'bash scripts/actionlint.sh', 'pnpm typecheck', 'pnpm test:check'])
      expect(checkPart, command).toContain(`\n${command}\n`);
    const scripts = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')).scripts as Record<string, string>;
    expect(scripts['test:check']).toContain("vitest run --project '!e2e'");
  });

  it('deploys nothing before the checks passed on the pushed commit; prod waits for staging and its own plan', () => {
    expect(deploy.on).toEqual({ push: { branches: ['main'] } });
    expect(deployJob('check').uses).toBe('./.github/workflows/check.yml');
    expect(deployJob('staging').needs).toEqual(['check', 'build']);
    expect(deployJob('plan-prod').needs).toBe('staging');
    expect(deployJob('prod').needs).toBe('plan-prod');
  });

  it('uses the production environment only on pushes to main', () => {
    for (const { file, id, job, on } of ALL_JOBS) {
      if (environmentOf(job) === 'production') expect(on, `${file}#${id}`).toEqual({ push: { branches: ['main'] } });
    }
  });

  it('CODEOWNERS covers migrations, infra, stacks and the workflows', () => {
    const owners = readFileSync(join(GITHUB, 'CODEOWNERS'), 'utf8')
      .split('\n')
      .filter((l) => l.trim() && !l.startsWith('#'))
      .map((l) => l.trim().split(/\s+/));
    expect(owners.map(([path]) => path)).toEqual(['/packages/*/migrations/', '/infra/', '/stacks/', '/.github/']);
    for (const [path, ...who] of owners) expect(who.length, path).toBeGreaterThan(0);
  });
});

describe('built once, promoted everywhere', () => {
  const build = workflow('build.yml');
  const buildJob = build.jobs.build as Job;
  const CACHE_PIN = '5a3ec84eff668545956fd18022155c47e93e2684';
  /** The jobs that run `pulumi up`: each deploys what the build job built. */
  const deployers = [
    ['deploy.yml', 'staging', deployJob('staging')],
    ['deploy.yml', 'prod', deployJob('prod')],
    ['pull-request.yml', 'review-up', prJob('review-up')],
  ] as const;

  it('the build job holds no secret and no environment, and keeps its builds under the commit', () => {
    expect(build.on).toEqual({ workflow_call: null });
    expect(build.permissions).toEqual({ contents: 'read' });
    expect(environmentOf(buildJob)).toBeUndefined();
    expect(secretsOf(buildJob)).toEqual([]);
    expect(JSON.stringify(buildJob)).not.toMatch(/CLOUDFLARE|PULUMI_ACCESS|vars\./);
    const uses = stepsOf(buildJob).map((s) => s.uses?.split('@')[0]);
    const restore = stepsOf(buildJob).find((s) => s.uses === `actions/cache/restore@${CACHE_PIN}`);
    const save = stepsOf(buildJob).find((s) => s.uses === `actions/cache/save@${CACHE_PIN}`);
    expect(restore?.with).toMatchObject({ path: '.turbo-remote', key: `turbo-builds-${expr('github.sha')}` });
    expect(save?.with).toEqual({ path: '.turbo-remote', key: `turbo-builds-${expr('github.sha')}` });
    expect(uses.indexOf('actions/cache/save')).toBe(uses.length - 1);
    expect(runLines(buildJob)).toEqual(expect.arrayContaining(['pnpm turbo-cache start .turbo-remote', 'pnpm build']));
  });

  it('every job that deploys waits for the build and takes exactly its builds, read-only, through the same cache server', () => {
    expect(deployJob('build').uses).toBe('./.github/workflows/build.yml');
    expect(prJob('build').uses).toBe('./.github/workflows/build.yml');
    expect(prJob('review-up').needs).toBe('build');
    for (const [file, id, job] of deployers) {
      const steps = stepsOf(job);
      const restore = steps.findIndex((s) => s.uses === `actions/cache/restore@${CACHE_PIN}`);
      const serve = steps.findIndex((s) => s.run?.includes('pnpm turbo-cache start .turbo-remote'));
      const up = steps.findIndex((s) => s.run?.includes('pulumi up') || s.with?.command === 'up');
      expect(restore, `${file}#${id}`).toBeGreaterThan(-1);
      expect(steps[restore]?.with, `${file}#${id}`).toEqual({
        path: '.turbo-remote',
        key: `turbo-builds-${expr('github.sha')}`,
        'fail-on-cache-miss': true,
      });
      expect(serve).toBeGreaterThan(restore);
      expect(steps[serve]?.run).toContain('TURBO_REMOTE_CACHE_READ_ONLY=true');
      expect(up).toBeGreaterThan(serve);
    }
  });

  it("pnpm build runs the same turbo task with the same flags as a deploy's build step, so the hashes match", () => {
    const scripts = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')).scripts as Record<string, string>;
    expect(scripts.build).toMatch(/^turbo run build --framework-inference=false /);
    const flags = readFileSync(join(ROOT, 'infra', 'commands', 'turbo.mjs'), 'utf8');
    expect(flags).toContain("'--framework-inference=false'");
  });
});

describe('what was reviewed is what is applied', () => {
  it('staging applies the plan its own preview saved, one broken app holding back only itself', () => {
    const lines = runLines(deployJob('staging'));
    const save = lines.indexOf('pulumi preview --stack staging --diff --non-interactive --save-plan staging.plan.json');
    const apply = lines.indexOf(
      'pulumi up --stack staging --plan staging.plan.json --yes --skip-preview --diff --non-interactive --continue-on-error',
    );
    expect(save).toBeGreaterThan(-1);
    expect(apply).toBeGreaterThan(save);
  });

  it("prod's plan is made with read tokens, shown, and exactly that plan is applied after the approval", () => {
    const plan = deployJob('plan-prod');
    const saving = stepsOf(plan).find((s) => s.run?.includes('--save-plan prod.plan.json'));
    expect(saving?.env).toEqual({
      PULUMI_ACCESS_TOKEN: expr('secrets.PULUMI_ACCESS_TOKEN'),
      CLOUDFLARE_API_TOKEN: expr('secrets.CLOUDFLARE_READ_TOKEN_PROD'),
    });
    expect(Object.values(ENVIRONMENTS['main-read']?.secrets ?? {}).every((s) => s.access === 'read')).toBe(true);
    expect(saving?.run).toContain('GITHUB_STEP_SUMMARY');
    const upload = stepsOf(plan).find((s) => s.uses?.startsWith('actions/upload-artifact@'));
    expect(upload?.with?.name).toBe('prod-plan');
    expect(String(upload?.with?.path)).toContain('prod.plan.json');

    const apply = deployJob('prod');
    const download = stepsOf(apply).find((s) => s.uses?.startsWith('actions/download-artifact@'));
    expect(download?.with).toEqual({ name: 'prod-plan' });
    expect(runLines(apply)).toContain(
      'pulumi up --stack prod --plan prod.plan.json --yes --skip-preview --diff --non-interactive --continue-on-error',
    );
    expect(apply.env).toEqual({
      PULUMI_ACCESS_TOKEN: expr('secrets.PULUMI_ACCESS_TOKEN'),
      CLOUDFLARE_API_TOKEN: expr('secrets.CLOUDFLARE_API_TOKEN'),
    });
  });

  it('never runs two deploys at once, and never cancels one', () => {
    expect((deploy as unknown as { concurrency: unknown }).concurrency).toEqual({
      group: 'deploy-main',
      'cancel-in-progress': false,
    });
  });

  it('checks both stacks for drift on a schedule with read tokens, keeps one issue per stack, and stays red', () => {
    const drift = workflow('drift.yml');
    expect(drift.on).toHaveProperty('schedule');
    const job = drift.jobs.drift as Job;
    expect(job.strategy?.matrix?.stack).toEqual(['staging', 'prod']);
    expect(
      Object.values(ENVIRONMENTS[environmentOf(job) as string]?.secrets ?? {}).every((s) => s.access === 'read'),
    ).toBe(true);
    const check = stepsOf(job).find((s) => s.id === 'check');
    expect(check?.with).toMatchObject({ command: 'preview', refresh: true, 'expect-no-changes': true });
    expect(check?.['continue-on-error']).toBe(true);
    const issue = stepsOf(job).find((s) => s.run?.includes('scripts/ci/drift-issue.ts'));
    expect(issue?.if).toBeUndefined(); // runs on success too: a clean check closes the issue
    expect(issue?.env?.OUTCOME).toBe(expr('steps.check.outcome'));
    const last = stepsOf(job).at(-1);
    expect(last?.if).toBe("steps.check.outcome == 'failure'");
    expect(last?.run).toContain('exit 1');
  });
});

describe('supply chain', () => {
  // owner/repo, or owner/repo/path for an action in a folder (actions/cache/restore).
  const PINNED = /^([\w.-]+\/[\w.-]+(?:\/[\w.-]+)*)@([0-9a-f]{40})$/;
  const pulumiVersion = /github\.com\/pulumi\/pulumi\/pkg\/v3 v(\d+\.\d+\.\d+)/.exec(
    readFileSync(join(ROOT, 'toolchain', 'pulumi', 'go.mod'), 'utf8'),
  )?.[1];

  it('pins every action by commit SHA, with its version in a comment, the same pin everywhere', () => {
    const seen = new Map<string, string>();
    let count = 0;
    for (const file of FILES) {
      const text = readFileSync(join(GITHUB, 'workflows', file), 'utf8');
      for (const match of text.matchAll(/^\s*(?:-\s+)?uses:\s*(\S+)(.*)$/gm)) {
        const [, ref = '', rest = ''] = match;
        if (ref.startsWith('./')) continue; // this repository's own reusable workflow, same commit
        count++;
        const pinned = PINNED.exec(ref);
        expect(pinned, `${file}: ${ref} is not pinned to a commit SHA`).not.toBeNull();
        const version = /^\s+# (v\d+\.\d+\.\d+)\s*$/.exec(rest)?.[1];
        expect(version, `${file}: ${ref} has no "# vX.Y.Z" comment`).toBeDefined();
        const pin = `${ref} ${version}`;
        const action = pinned?.[1] as string;
        expect(seen.get(action) ?? pin, `${file}: ${action} pinned two ways`).toBe(pin);
        seen.set(action, pin);
      }
    }
    expect(count).toBeGreaterThan(20);
  });

  it("installs the project's Pulumi CLI version (toolchain/pulumi/go.mod) in every job that runs pulumi", () => {
    expect(pulumiVersion).toMatch(/^\d+\.\d+\.\d+$/);
    const runners = STEP_JOBS.filter(({ job }) => pulumiSteps(job).length > 0);
    expect(runners.length).toBeGreaterThan(5);
    for (const { file, id, job } of runners) {
      for (const step of pulumiSteps(job)) expect(step.with?.['pulumi-version'], `${file}#${id}`).toBe(pulumiVersion);
    }
  });

  it('leaves no token in .git/config: every checkout has persist-credentials: false', () => {
    for (const { file, id, job } of STEP_JOBS) {
      const checkouts = stepsOf(job).filter((s) => s.uses?.startsWith('actions/checkout@'));
      expect(checkouts.length, `${file}#${id}`).toBe(1);
      for (const checkout of checkouts) expect(checkout.with?.['persist-credentials'], `${file}#${id}`).toBe(false);
    }
  });

  it('gives every job a timeout (a hung upload must not hold the deploy lock for six hours)', () => {
    for (const { file, id, job } of STEP_JOBS) {
      expect(job['timeout-minutes'], `${file}#${id}`).toBeGreaterThan(0);
      expect(job['timeout-minutes'], `${file}#${id}`).toBeLessThanOrEqual(60);
    }
  });

  it('checks the beliefs about Cloudflare weekly on the conformance account only, keeps one issue, and stays red', () => {
    const conformance = workflow('conformance.yml');
    expect(conformance.on).toHaveProperty('schedule');
    expect(Object.keys(conformance.on)).not.toContain('pull_request');
    const job = conformance.jobs.conformance as Job;
    expect(ENVIRONMENTS.conformance?.deployment_branches).toEqual(['main']);
    expect(
      Object.values(ENVIRONMENTS.conformance?.secrets ?? {}).every((secret) => secret.account === 'conformance'),
    ).toBe(true);
    const run = stepsOf(job).find((s) => s.id === 'beliefs');
    expect(run?.run).toContain('vitest run --project conformance test/conformance/real-account.test.ts');
    // The suite skips itself without an account: the workflow refuses to pass for that reason.
    expect(run?.run).toMatch(/-z "\$CONFORMANCE_ACCOUNT_ID"[\s\S]*exit 1/);
    expect(run?.env).toMatchObject({
      CONFORMANCE_ACCOUNT_ID: expr('vars.CONFORMANCE_ACCOUNT_ID'),
      CONFORMANCE_API_TOKEN: expr('secrets.CONFORMANCE_API_TOKEN'),
    });
    expect(run?.['continue-on-error']).toBe(true);
    const issue = stepsOf(job).find((s) => s.run?.includes('gh issue create'));
    expect(issue?.if).toBe("steps.beliefs.outcome == 'failure'");
    expect(issue?.run).toContain('gh issue comment');
    const last = stepsOf(job).at(-1);
    expect(last?.if).toBe("steps.beliefs.outcome == 'failure'");
    expect(last?.run).toContain('exit 1');
  });

  it('installs with the frozen lockfile in every job', () => {
    for (const { file, id, job } of STEP_JOBS) {
      expect(
        stepsOf(job).some((s) => s.run === 'pnpm install --frozen-lockfile'),
        `${file}#${id}`,
      ).toBe(true);
    }
  });
});
