import type { BindingKind } from './kind';

/** Workers AI (`ai: { binding }`): an account feature, nothing to provision. */
export const ai: BindingKind = {
  kind: 'ai',
  configKey: 'ai',
  scopes: ['app', 'worker'],
  read: (value, place) => {
    if (value === undefined) return [];
    const name = (value as { binding?: unknown } | null)?.binding;
    if (typeof name !== 'string' || name === '') throw new Error(`${place.file}: ai must be { "binding": "NAME" }.`);
    return [{ kind: 'ai', name }];
  },
  pages: {
    programKey: 'aiBindings',
    apiKey: 'ai_bindings',
    stateKey: 'aiBindings',
    program: () => ({}),
    api: () => ({}),
    live: () => '',
  },
  inProtectedPreview: true,
  planValue: () => '',
  worker: (binding) => ({ type: 'ai', name: binding.name }),
};
