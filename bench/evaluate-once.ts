// One evaluation of the Pulumi program under mocks, in its own process so its peak memory is its own.
// Mirrors infra/index.ts (config → stack definition → inventory scan → plan → declare) and waits until every
// resource is registered. Prints one JSON line: { ms, maxRssMb, resources }.
import * as pulumi from '@pulumi/pulumi';
import { validateConfig } from '../infra/config';
import { scanInventory } from '../infra/inventory/scan';
import { planDeployment } from '../infra/plan/plan';
import { requiredSecretKeys } from '../infra/plan/plan-bindings';
import { declareInfrastructure } from '../infra/program';
import { loadStackDefinition } from '../infra/stack-definition';
import { installMocks, localConfig } from '../test/unit/support/pulumi-harness';

async function main(): Promise<void> {
  const rootDir = process.argv[2] as string;
  const stack = 'local';
  // The unit tests' mocks: the same provider answers, and the dynamic-provider cache the real runtime uses.
  const config = localConfig();
  const registrations = await installMocks(stack, config);
  const started = performance.now();
  // Synthetic repositories have no Workers: keep the stack's settings, drop its Worker list.
  const synthetic = process.argv[3] === '--synthetic';
  const stackDefinition = loadStackDefinition(stack);
  const definition = synthetic ? { ...stackDefinition, workers: [] } : stackDefinition;
  const inventory = scanInventory(rootDir);
  const target = validateConfig(
    stack,
    (k) => config[k],
    () => false,
    { env: {}, secretKeys: requiredSecretKeys(inventory, definition) },
  );
  const plan = planDeployment(stack, inventory, definition, target);
  const outputs = declareInfrastructure(plan, pulumi.secret(target.apiToken), rootDir, target.secrets);
  await Promise.all(
    Object.values(outputs).map(
      (app) => new Promise((resolve) => pulumi.all([app.deploymentUrl, app.migrationBookmark]).apply(resolve)),
    ),
  );
  const ms = performance.now() - started;
  const maxRssMb = process.resourceUsage().maxRSS / 1024;
  process.stdout.write(
    `${JSON.stringify({ ms, maxRssMb, resources: registrations.length, apps: plan.apps.length })}\n`,
  );
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
