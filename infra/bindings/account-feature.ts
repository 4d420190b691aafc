import type { BindingKind } from './kind';

/**
 * A binding to a feature of the account (`<configKey>: { binding: "NAME" }`): nothing to provision or name per
 * stack, nothing of production's data, so preview deployments get it too. Browser Rendering and Workers AI are these.
 */
export function accountFeature(
  kind: string,
  configKey: string,
  pages: { programKey: string; apiKey: string },
): BindingKind {
  return {
    kind,
    configKey,
    scopes: ['app', 'worker'],
    read: (value, place) => {
      if (value === undefined) return [];
      const name = (value as { binding?: unknown } | null)?.binding;
      if (typeof name !== 'string' || name === '')
        throw new Error(`${place.file}: ${configKey} must be { "binding": "NAME" }.`);
      return [{ kind, name }];
    },
    pages: { ...pages, stateKey: pages.programKey, program: () => ({}), api: () => ({}), live: () => '' },
    inProtectedPreview: true,
    planValue: () => '',
    worker: (binding) => ({ type: kind, name: binding.name }),
  };
}
