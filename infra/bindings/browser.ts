import type { BindingKind } from './kind';

/** Browser Rendering (`browser: { binding }`): an account feature, nothing to provision. */
export const browser: BindingKind = {
  kind: 'browser',
  configKey: 'browser',
  scopes: ['app', 'worker'],
  read: (value, place) => {
    if (value === undefined) return [];
    const name = (value as { binding?: unknown } | null)?.binding;
    if (typeof name !== 'string' || name === '')
      throw new Error(`${place.file}: browser must be { "binding": "NAME" }.`);
    return [{ kind: 'browser', name }];
  },
  pages: {
    programKey: 'browsers',
    apiKey: 'browsers',
    stateKey: 'browsers',
    program: () => ({}),
    api: () => ({}),
    live: () => '',
  },
  inProtectedPreview: true,
  planValue: () => '',
  worker: (binding) => ({ type: 'browser', name: binding.name }),
};
