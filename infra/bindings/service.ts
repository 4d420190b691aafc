import { type BindingKind, field, listOf } from './kind';

/**
 * Service bindings (`services: [{ binding, service }]`) to a Worker of the same package, named in the config by its
 * own name (the stack's suffix is added, as for every Worker script). The planner checks the Worker exists and is
 * enabled on the stack.
 */
export const service: BindingKind = {
  kind: 'service',
  configKey: 'services',
  scopes: ['app', 'worker'],
  read: (value, place) =>
    listOf(value, place, 'services').map((entry, i) => {
      const where = `services[${i}]`;
      if (entry.environment !== undefined || entry.entrypoint !== undefined)
        throw new Error(
          `${place.file}: ${where}: environment and entrypoint are not supported by the infra program yet: remove them, or add them in infra/bindings/service.ts.`,
        );
      return {
        kind: 'service',
        name: field(entry, 'binding', place, where),
        settings: { worker: field(entry, 'service', place, where) },
      };
    }),
  pages: {
    programKey: 'services',
    apiKey: 'services',
    stateKey: 'services',
    program: (script) => ({ service: script }),
    api: (script) => ({ service: script }),
    live: (entry) => (typeof entry.service === 'string' ? entry.service : undefined),
  },
  planValue: (binding, stack) => {
    const worker = String(binding.settings?.worker);
    const script = stack.workerScript(worker);
    if (!script)
      throw new Error(
        `${stack.file}: services binding ${binding.name} names Worker "${worker}", which is not a Worker of this package enabled on this stack. Enable it in the stack file (workers: ['<app>/${worker}']) or remove the binding.`,
      );
    return script;
  },
  // A Worker of the production stack may write production data.
  inProtectedPreview: false,
  worker: (binding, script) => ({ type: 'service', name: binding.name, service: script }),
};
