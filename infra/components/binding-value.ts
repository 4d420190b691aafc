import * as pulumi from '@pulumi/pulumi';
import type { DeclaredResource } from '../bindings';
import type { PlannedBinding } from '../plan/types';

/**
 * The value a planned binding takes in a site or a Worker of its package: its resource's ref (D1 uuid, KV id, bucket
 * or queue name), a secret's value from config (as a Pulumi secret), or what the planner decided (a var's text, a
 * service's script; '' when the kind has none).
 */
export function bindingValue(
  binding: PlannedBinding,
  resources: Readonly<Record<string, DeclaredResource>>,
  secrets: Readonly<Record<string, string>> = {},
): pulumi.Input<string> {
  if (binding.resourceName) {
    const resource = resources[binding.resourceName];
    if (!resource) throw new Error(`${binding.name} binds ${binding.resourceName}, which its package does not declare`);
    return resource.ref;
  }
  if (binding.configKey) {
    const secret = secrets[binding.configKey];
    if (secret === undefined) throw new Error(`${binding.configKey} has no value: validate config with its key first.`);
    return pulumi.secret(secret);
  }
  return binding.value ?? '';
}
