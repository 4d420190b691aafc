import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { scanInventory } from '../../infra/inventory/scan';
import { adoptionTargets, type ComponentRef, urnOf } from '../../infra/plan/adoption';
import { planDeployment } from '../../infra/plan/plan';
import { loadStackDefinition } from '../../infra/stack-definition';
import {
  ACCOUNT_ID,
  installMocks,
  outputValue,
  protectedCloudConfig,
  type Registration,
  TOKEN,
} from './support/pulumi-harness';

/**
 * `pnpm adopt` imports resources under URNs it computes from the plan, without running the program. A URN the
 * program does not register would be adopted and then, on the next up, deleted as no longer declared while the
 * program creates a twin: so every URN adoption uses must be one the real program registers, with that type.
 */
describe('adoption imports under the URNs the program registers (prod, under mocks)', () => {
  let registrations: Registration[];

  const previousToken = process.env.CLOUDFLARE_API_TOKEN;
  afterAll(() => {
    if (previousToken === undefined) delete process.env.CLOUDFLARE_API_TOKEN;
    else process.env.CLOUDFLARE_API_TOKEN = previousToken;
  });

  beforeAll(async () => {
    // prod refuses a token in its config: it comes from the environment, as in the deploy job.
    process.env.CLOUDFLARE_API_TOKEN = TOKEN;
    registrations = await installMocks('prod', protectedCloudConfig());
    const program = (await import('../../infra/index' as string)) as typeof import('../../infra/index');
    for (const outputs of Object.values(program.apps)) {
      await outputValue(outputs.deploymentUrl);
      for (const worker of Object.values(outputs.workers)) await outputValue(worker.scriptName);
    }
    // Some children register only once an output of a sibling resolves (a Worker's subdomain after its script):
    // wait until registrations stop coming.
    for (let seen = -1; seen !== registrations.length; ) {
      seen = registrations.length;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }, 120_000);

  // The mock monitor writes only the immediate parent's type into a URN (the engine writes the whole chain, which
  // urnOf does and the end-to-end tier proves), so the chain is compared here by type, name and parent link.
  it('every adoption target and every parent component it needs, with its protection', () => {
    const rootDir = join(__dirname, '..', '..');
    const plan = planDeployment('prod', scanInventory(rootDir), loadStackDefinition('prod'), { accountId: ACCOUNT_ID });
    const targets = adoptionTargets(plan);
    expect(targets.length).toBeGreaterThanOrEqual(plan.apps.length * 3);
    const byUrn = new Map(registrations.map((r) => [r.urn, r]));
    const find = (type: string, name: string) => {
      const found = registrations.filter((r) => r.type === type && r.name === name);
      expect(found, `${type} ${name}`).toHaveLength(1);
      return found[0] as Registration;
    };
    const chainOf = (registration: Registration): string[] => {
      const parent = byUrn.get(registration.parent);
      return parent && parent.type !== 'pulumi:pulumi:Stack'
        ? [...chainOf(parent), `${parent.type} ${parent.name}`]
        : [];
    };
    const expectedChain = (parent: ComponentRef | undefined): string[] =>
      parent ? [...expectedChain(parent.parent), `${parent.type} ${parent.name}`] : [];
    for (const target of targets) {
      const registration = find(target.type, target.logicalName);
      expect(registration.protect, `${target.logicalName} protect`).toBe(target.protect);
      expect(chainOf(registration), target.logicalName).toEqual(expectedChain(target.parent));
      for (let parent: ComponentRef | undefined = target.parent; parent; parent = parent.parent)
        expect(find(parent.type, parent.name).custom).toBe(false);
    }
  });

  it('writes the whole parent type chain into a URN, as the engine does', () => {
    const script = adoptionTargets(
      planDeployment('prod', scanInventory(join(__dirname, '..', '..')), loadStackDefinition('prod'), {
        accountId: ACCOUNT_ID,
      }),
    ).find((t) => t.kind === 'workerScript' && t.logicalName === 'space-motion-extractor-script');
    expect(script && urnOf('prod', 'create-something', script.type, script.logicalName, script.parent)).toBe(
      'urn:pulumi:prod::create-something::create-something:index:SiteApp$create-something:index:Worker$cloudflare:index/workersScript:WorkersScript::space-motion-extractor-script',
    );
  });
});
