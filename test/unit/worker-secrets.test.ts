import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { scanInventory } from '../../infra/inventory/scan';
import { readWranglerConfig } from '../../infra/inventory/wrangler-config';
import { planDeployment } from '../../infra/plan/plan';
import { WORKER_SECRETS, workerSecretKeys } from '../../infra/plan/worker-secrets';
import { loadStackDefinition } from '../../infra/stack-definition';
import { ACCOUNT_ID } from './support/pulumi-harness';

const ROOT = join(__dirname, '..', '..');
const inventory = scanInventory(ROOT);
const workers = inventory.apps.flatMap((a) => a.workers.map((w) => [`${a.name}/${w.name}`, w.dir] as const));

describe('Worker secrets: infra and the Workers agree', () => {
  it.each(workers)("%s: its wrangler config's secrets.required are exactly the bindings infra sets", (name, dir) => {
    const config = readWranglerConfig(join(ROOT, dir))?.config as { secrets?: { required?: string[] } };
    expect(config.secrets?.required ?? []).toEqual((WORKER_SECRETS[name] ?? []).map((s) => s.binding));
  });

  it('names only Workers that exist', () => {
    expect(Object.keys(WORKER_SECRETS).every((name) => workers.some(([w]) => w === name))).toBe(true);
  });

  it('guards motion-extractor with the secret create-something:motionExtractorToken', () => {
    expect(WORKER_SECRETS['space/motion-extractor']).toEqual([
      { binding: 'API_TOKEN', configKey: 'create-something:motionExtractorToken' },
    ]);
  });
});

describe('which stacks need which secret keys', () => {
  it.each([
    ['prod', ['create-something:motionExtractorToken']],
    ['staging', ['create-something:motionExtractorToken']],
    ['local', ['create-something:motionExtractorToken']],
    ['pr-7', []],
  ])('%s needs %o', (stack, keys) => {
    expect(workerSecretKeys(loadStackDefinition(stack).workers)).toEqual(keys);
  });

  it('gives each enabled Worker its secrets in the plan, and nothing to a stack without Workers', () => {
    const target = { accountId: ACCOUNT_ID };
    const staging = planDeployment('staging', inventory, loadStackDefinition('staging'), target);
    const worker = staging.apps.find((a) => a.name === 'space')?.workers[0];
    expect(worker?.secrets).toEqual([{ binding: 'API_TOKEN', configKey: 'create-something:motionExtractorToken' }]);
    const review = planDeployment('pr-7', inventory, loadStackDefinition('pr-7'), target);
    expect(review.apps.flatMap((a) => a.workers)).toEqual([]);
  });
});
