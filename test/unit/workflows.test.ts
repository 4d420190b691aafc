import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';

interface Step {
  uses?: string;
  run?: string;
  with?: Record<string, unknown>;
  if?: string;
}
interface Job {
  needs?: string | string[];
  strategy?: { matrix?: { stack?: string[] } };
  steps: Step[];
}
interface Workflow {
  on: Record<string, unknown>;
  jobs: Record<string, Job>;
}

const workflow = (file: string) =>
  parse(readFileSync(join(__dirname, '..', '..', '.github', 'workflows', file), 'utf8')) as Workflow;
const pulumiSteps = (job: Job) => job.steps.filter((s) => s.uses?.startsWith('pulumi/actions@'));

describe('GitHub workflows', () => {
  it('previews staging and prod with a diff on every pull request and comments on the PR', () => {
    const preview = workflow('preview.yml');
    expect(Object.keys(preview.on)).toEqual(['pull_request']);
    const job = preview.jobs.preview as Job;
    expect(job.strategy?.matrix?.stack).toEqual(['staging', 'prod']);
    const [step] = pulumiSteps(job);
    expect(step?.with).toMatchObject({ command: 'preview', diff: true, 'comment-on-pr': true });
    // The matrix expression, as GitHub Actions writes it.
    expect(step?.with?.['stack-name']).toBe(['${{', 'matrix.stack', '}}'].join(' '));
  });

  it('deploys staging first and prod only after staging succeeded, on pushes to main', () => {
    const deploy = workflow('deploy.yml');
    expect(deploy.on).toEqual({ push: { branches: ['main'] } });
    expect(pulumiSteps(deploy.jobs.staging as Job)[0]?.with).toMatchObject({ command: 'up', 'stack-name': 'staging' });
    expect(pulumiSteps(deploy.jobs.prod as Job)[0]?.with).toMatchObject({ command: 'up', 'stack-name': 'prod' });
    expect(deploy.jobs.prod?.needs).toBe('staging');
  });

  it('checks both stacks for drift on a schedule and fails loudly when there is any', () => {
    const drift = workflow('drift.yml');
    expect(drift.on).toHaveProperty('schedule');
    const job = drift.jobs.drift as Job;
    expect(job.strategy?.matrix?.stack).toEqual(['staging', 'prod']);
    expect(pulumiSteps(job)[0]?.with).toMatchObject({ command: 'preview', refresh: true, 'expect-no-changes': true });
    expect(job.steps.some((s) => s.if === 'failure()' && s.run?.includes('gh issue create'))).toBe(true);
  });

  it('installs with the frozen lockfile in every job', () => {
    for (const file of ['preview.yml', 'deploy.yml', 'drift.yml']) {
      for (const job of Object.values(workflow(file).jobs)) {
        expect(job.steps.some((s) => s.run === 'pnpm install --frozen-lockfile')).toBe(true);
      }
    }
  });
});
