import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';

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
  environment?: string | { name: string };
  permissions?: Record<string, string>;
  strategy?: { matrix?: { stack?: string[] } };
  steps: Step[];
}
interface Workflow {
  on: Record<string, unknown>;
  permissions?: Record<string, string>;
  jobs: Record<string, Job>;
}
interface SecretSpec {
  service: 'cloudflare' | 'pulumi';
  access: 'read' | 'write';
  account?: 'staging' | 'prod' | 'conformance';
  stacks?: string[];
}
interface EnvironmentSpec {
  deployment_branches: 'all' | string[];
  secrets: Record<string, SecretSpec>;
  variables?: Record<string, string>;
}

const GITHUB = join(__dirname, '..', '..', '.github');
const FILES = readdirSync(join(GITHUB, 'workflows')).filter((f) => /\.ya?ml$/.test(f));
const workflow = (file: string) => parse(readFileSync(join(GITHUB, 'workflows', file), 'utf8')) as Workflow;
const ENVIRONMENTS = parse(readFileSync(join(GITHUB, 'environments.yml'), 'utf8')) as Record<string, EnvironmentSpec>;
const environmentOf = (job: Job) => (typeof job.environment === 'object' ? job.environment.name : job.environment);
const pulumiSteps = (job: Job) => job.steps.filter((s) => s.uses?.startsWith('pulumi/actions@'));
/** Every `secrets.NAME` a job's text mentions (GITHUB_TOKEN reaches jobs as github.token, not as a secret here). */
const secretsOf = (job: Job) => [...JSON.stringify(job).matchAll(/secrets\.([A-Z0-9_]+)/g)].map((m) => m[1] as string);
const expr = (inner: string) => ['${{', inner, '}}'].join(' ');

const ALL_JOBS = FILES.flatMap((file) => {
  const wf = workflow(file);
  return Object.entries(wf.jobs).map(([id, job]) => ({ file, id, job, on: wf.on }));
});
const PR_JOBS = ALL_JOBS.filter((j) => 'pull_request' in j.on || 'pull_request_target' in j.on);
const pr = workflow('pull-request.yml');
const prJob = (id: string) => pr.jobs[id] as Job;

describe('GitHub environments', () => {
  it('are the five the workflows use, each with its secrets written down', () => {
    expect(Object.keys(ENVIRONMENTS).sort()).toEqual(['conformance', 'preview', 'production', 'review', 'staging']);
    const used = new Set(ALL_JOBS.map((j) => environmentOf(j.job)).filter(Boolean));
    expect([...used].sort()).toEqual(['conformance', 'preview', 'production', 'review', 'staging']);
  });

  it('give each job which environment', () => {
    const table = Object.fromEntries(ALL_JOBS.map((j) => [`${j.file}#${j.id}`, environmentOf(j.job) ?? null]));
    expect(table).toEqual({
      'conformance.yml#conformance': 'conformance',
      'deploy.yml#staging': 'staging',
      'deploy.yml#prod': 'production',
      'drift.yml#drift': 'preview',
      'pull-request.yml#preview': 'preview',
      'pull-request.yml#review-up': 'review',
      'pull-request.yml#comment': null,
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

  it('hold read-only tokens in preview, and only the staging account in review', () => {
    const preview = Object.values(ENVIRONMENTS.preview?.secrets ?? {});
    expect(preview.length).toBeGreaterThan(0);
    expect(preview.every((s) => s.access === 'read')).toBe(true);
    const review = Object.values(ENVIRONMENTS.review?.secrets ?? {});
    expect(review.filter((s) => s.service === 'cloudflare').map((s) => s.account)).toEqual(['staging']);
    expect(review.filter((s) => s.service === 'pulumi').map((s) => s.stacks)).toEqual([['pr-*']]);
  });

  it('restrict production (and staging) to main', () => {
    expect(ENVIRONMENTS.production?.deployment_branches).toEqual(['main']);
    expect(ENVIRONMENTS.staging?.deployment_branches).toEqual(['main']);
    expect(ENVIRONMENTS.production?.secrets.CLOUDFLARE_API_TOKEN).toMatchObject({ access: 'write', account: 'prod' });
  });
});

describe('pull requests cannot reach a write token', () => {
  it('no workflow runs on pull_request_target (the base repository secrets, with the pull request code)', () => {
    for (const { file, on } of ALL_JOBS) expect(Object.keys(on), file).not.toContain('pull_request_target');
  });

  it('jobs a pull request triggers run in preview or review only (never staging or production)', () => {
    expect(PR_JOBS.length).toBeGreaterThan(0);
    for (const { file, id, job } of PR_JOBS) {
      expect([undefined, 'preview', 'review'], `${file}#${id}`).toContain(environmentOf(job));
    }
  });

  it('every write token those jobs can reach is for the staging account or pr-* stacks', () => {
    for (const { file, id, job } of PR_JOBS) {
      const env = environmentOf(job);
      for (const name of secretsOf(job)) {
        const spec = env ? ENVIRONMENTS[env]?.secrets[name] : undefined;
        if (!spec) throw new Error(`${file}#${id}: secrets.${name} is not in its environment`);
        if (spec.access === 'read') continue;
        expect(spec.account ?? 'staging', `${file}#${id} ${name}`).toBe('staging');
        if (spec.stacks) expect(spec.stacks, `${file}#${id} ${name}`).toEqual(['pr-*']);
      }
    }
  });

  it('jobs with secrets run for pull requests from this repository only, never from forks', () => {
    for (const { file, id, job } of PR_JOBS) {
      expect(job.if, `${file}#${id}`).toContain('github.event.pull_request.head.repo.full_name == github.repository');
    }
  });

  it('no run step puts event text (titles, branch names) into a shell directly', () => {
    for (const { file, id, job } of ALL_JOBS) {
      for (const step of job.steps) {
        expect(step.run ?? '', `${file}#${id}`).not.toMatch(/\$\{\{\s*github\.(event|head_ref)/);
      }
    }
  });

  it('the preview job reads with the read tokens only, and comments nothing itself', () => {
    const [step] = pulumiSteps(prJob('preview'));
    expect(step?.with).toMatchObject({ command: 'preview', diff: true, 'stack-name': expr('matrix.stack') });
    expect(step?.with?.['comment-on-pr']).toBeUndefined();
    expect(secretsOf(prJob('preview')).sort()).toEqual([
      'CLOUDFLARE_READ_TOKEN_PROD',
      'CLOUDFLARE_READ_TOKEN_STAGING',
      'PULUMI_ACCESS_TOKEN',
    ]);
    expect(prJob('preview').strategy?.matrix?.stack).toEqual(['staging', 'prod']);
  });
});

describe('the review stack pr-<number>', () => {
  const STACK = `pr-${expr('github.event.pull_request.number')}`;

  it('runs on open, every push, reopen and close of a pull request to main', () => {
    expect(pr.on).toEqual({
      pull_request: { types: ['opened', 'synchronize', 'reopened', 'closed'], branches: ['main'] },
    });
  });

  it('is brought up (created if needed) in the staging account unless the pull request is closing', () => {
    const job = prJob('review-up');
    expect(job.if).toContain("github.event.action != 'closed'");
    const [up] = pulumiSteps(job);
    expect(up?.with).toMatchObject({ command: 'up', 'stack-name': STACK, upsert: true });
    expect(up?.with?.['config-map']).toContain(
      `create-something:accountId: {value: '${expr('vars.STAGING_ACCOUNT_ID')}'`,
    );
    expect(up?.env?.CLOUDFLARE_API_TOKEN).toBe(expr('secrets.CLOUDFLARE_API_TOKEN'));
  });

  it('is destroyed and its stack removed when the pull request is closed, from the base branch code', () => {
    const job = prJob('review-down');
    expect(job.if).toContain("github.event.action == 'closed'");
    expect(environmentOf(job)).toBe('review');
    const checkout = job.steps.find((s) => s.uses?.startsWith('actions/checkout@'));
    expect(checkout?.with?.ref).toBe(expr('github.event.pull_request.base.ref'));
    const step = job.steps.find((s) => s.run?.includes('pulumi destroy'));
    expect(step?.env?.STACK).toBe(STACK);
    const lines = (step?.run ?? '').split('\n').map((l) => l.trim());
    const destroy = lines.indexOf('pulumi destroy --stack "$STACK" --yes --non-interactive --skip-preview');
    const remove = lines.indexOf('pulumi stack rm "$STACK" --yes --non-interactive');
    expect(destroy).toBeGreaterThan(-1);
    expect(remove).toBeGreaterThan(destroy);
    // Nothing else runs in between or after that could skip the removal.
    expect(lines.slice(destroy + 1, remove)).toEqual([]);
  });

  it('waits for a running update instead of cancelling it: up and down share one queue per pull request', () => {
    const group = (job: Job) => (job as { concurrency?: { group: string; 'cancel-in-progress': boolean } }).concurrency;
    expect(group(prJob('review-up'))).toEqual({
      group: `review-${expr('github.event.pull_request.number')}`,
      'cancel-in-progress': false,
    });
    expect(group(prJob('review-down'))).toEqual(group(prJob('review-up')));
  });

  it('gets one comment with the site URLs and both previews, written with GITHUB_TOKEN only', () => {
    const job = prJob('comment');
    expect(job.needs).toEqual(['preview', 'review-up']);
    expect(job.if).toMatch(/^always\(\) && /);
    expect(job.permissions).toEqual({ contents: 'read', 'pull-requests': 'write' });
    expect(secretsOf(job)).toEqual([]);
    const step = job.steps.find((s) => s.run?.includes('scripts/ci/pr-comment.ts'));
    expect(step?.run).toContain('--apps artifacts/review-apps/apps.json');
    expect(step?.run).toContain('--preview staging=artifacts/preview-staging/preview.txt');
    expect(step?.run).toContain('--preview prod=artifacts/preview-prod/preview.txt');
    expect(prJob('review-down').steps.at(-1)?.run).toContain('scripts/ci/pr-comment.ts');
    expect(prJob('review-down').steps.at(-1)?.run).toContain('--destroyed');
  });

  it('the workflow grants no more than reading by default', () => {
    expect(pr.permissions).toEqual({ contents: 'read' });
  });
});

describe('deploys and the drift check', () => {
  it('deploys staging first and prod only after staging succeeded, on pushes to main, each with its own token and --continue-on-error', () => {
    const deploy = workflow('deploy.yml');
    expect(deploy.on).toEqual({ push: { branches: ['main'] } });
    for (const [id, stack] of [
      ['staging', 'staging'],
      ['prod', 'prod'],
    ] as const) {
      const [step] = pulumiSteps(deploy.jobs[id] as Job);
      // A broken app holds back only itself, as with `pnpm local:up`: the action's input for `--continue-on-error`.
      expect(step?.with).toMatchObject({ command: 'up', 'stack-name': stack, 'continue-on-error': true });
      expect(step?.env).toEqual({
        PULUMI_ACCESS_TOKEN: expr('secrets.PULUMI_ACCESS_TOKEN'),
        CLOUDFLARE_API_TOKEN: expr('secrets.CLOUDFLARE_API_TOKEN'),
      });
    }
    expect(deploy.jobs.prod?.needs).toBe('staging');
  });

  it('uses the production environment only on pushes to main', () => {
    for (const { file, id, job, on } of ALL_JOBS) {
      if (environmentOf(job) === 'production') expect(on, `${file}#${id}`).toEqual({ push: { branches: ['main'] } });
    }
  });

  it('checks both stacks for drift on a schedule with read tokens, keeps one issue per stack, and stays red', () => {
    const drift = workflow('drift.yml');
    expect(drift.on).toHaveProperty('schedule');
    const job = drift.jobs.drift as Job;
    expect(job.strategy?.matrix?.stack).toEqual(['staging', 'prod']);
    const check = job.steps.find((s) => s.id === 'check');
    expect(check?.with).toMatchObject({ command: 'preview', refresh: true, 'expect-no-changes': true });
    expect(check?.['continue-on-error']).toBe(true);
    const issue = job.steps.find((s) => s.run?.includes('scripts/ci/drift-issue.ts'));
    expect(issue?.if).toBeUndefined(); // runs on success too: a clean check closes the issue
    expect(issue?.env?.OUTCOME).toBe(expr('steps.check.outcome'));
    expect(job.steps.some((s) => s.run?.includes('gh issue create'))).toBe(false);
    const last = job.steps.at(-1);
    expect(last?.if).toBe("steps.check.outcome == 'failure'");
    expect(last?.run).toContain('exit 1');
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
    const run = job.steps.find((s) => s.id === 'beliefs');
    expect(run?.run).toContain('vitest run --project conformance test/conformance/real-account.test.ts');
    // The suite skips itself without an account: the workflow refuses to pass for that reason.
    expect(run?.run).toMatch(/-z "\$CONFORMANCE_ACCOUNT_ID"[\s\S]*exit 1/);
    expect(run?.env).toMatchObject({
      CONFORMANCE_ACCOUNT_ID: expr('vars.CONFORMANCE_ACCOUNT_ID'),
      CONFORMANCE_API_TOKEN: expr('secrets.CONFORMANCE_API_TOKEN'),
    });
    expect(run?.['continue-on-error']).toBe(true);
    const issue = job.steps.find((s) => s.run?.includes('gh issue create'));
    expect(issue?.if).toBe("steps.beliefs.outcome == 'failure'");
    expect(issue?.run).toContain('gh issue comment');
    const last = job.steps.at(-1);
    expect(last?.if).toBe("steps.beliefs.outcome == 'failure'");
    expect(last?.run).toContain('exit 1');
  });

  it('installs with the frozen lockfile in every job', () => {
    for (const { file, id, job } of ALL_JOBS) {
      expect(
        job.steps.some((s) => s.run === 'pnpm install --frozen-lockfile'),
        `${file}#${id}`,
      ).toBe(true);
    }
  });
});
