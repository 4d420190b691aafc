import { join } from 'node:path';
import * as pulumi from '@pulumi/pulumi';
import { describeTokenSource, validateConfig } from './config';
import { scanInventory } from './inventory/scan';
import { planDeployment } from './plan/plan';
import { requiredSecretKeys } from './plan/plan-bindings';
import { declareInfrastructure } from './program';
import { ProgramTimings } from './program-timings';
import { loadStackDefinition } from './stack-definition';

// Entry point: load the stack definition, validate config, plan from what is on disk, declare. Every check runs
// before the first resource is declared, so bad input stops the program with nothing half-registered; each throws a
// pulumi.RunError, which the runtime prints as its message alone. The stack comes first: with a misnamed or unknown
// stack, its config is missing too, and the stack is what to fix.
const timings = new ProgramTimings();
const stack = pulumi.getStack();
const rootDir = join(__dirname, '..');
const definition = loadStackDefinition(stack);
timings.mark('stack definition');
// The inventory before the config: the secrets the packages declare are config keys the stack must set.
const inventory = scanInventory(rootDir);
timings.mark('inventory scan (git, lockfile, hashing)');
const config = validateConfig(stack, pulumi.runtime.getConfig, isConfigSecret, {
  env: process.env,
  secretKeys: requiredSecretKeys(inventory, definition),
  protect: definition.protect,
});
pulumi.log.info(describeTokenSource(stack, config.apiTokenSource));
timings.mark('config');
const plan = planDeployment(stack, inventory, definition, config);
timings.mark('plan');

// A token from the environment is read there by every provider and by wrangler: it never becomes an input, so it is
// never kept in the state and rotating it re-runs nothing.
const tokenInput = config.apiTokenSource.from === 'config' ? pulumi.secret(config.apiToken) : undefined;
export const apps = declareInfrastructure(plan, tokenInput, rootDir, config.secrets);
timings.mark('resources declared (Worker bundle, resource constructors)');
timings.write();

/** Pulumi's runtime knows which config keys are secrets but does not type that helper; absent, assume not secret. */
function isConfigSecret(key: string): boolean {
  const runtimeConfig = require('@pulumi/pulumi/runtime/config') as { isConfigSecret?: (k: string) => boolean };
  return runtimeConfig.isConfigSecret?.(key) ?? false;
}
