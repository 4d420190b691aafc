import type { BindingKind } from './kind';

/**
 * Plain variables (`vars: { NAME: "text" }`): bound as `plain_text` in Workers and as `env_vars` of type
 * `plain_text` in Pages deployment configs. Only strings: wrangler would JSON-encode anything else, and what a Pages
 * project holds is text.
 */
export const vars: BindingKind = {
  kind: 'var',
  configKey: 'vars',
  scopes: ['app', 'worker'],
  read: (value, place) => {
    if (value === undefined) return [];
    if (typeof value !== 'object' || value === null || Array.isArray(value))
      throw new Error(`${place.file}: vars must be an object of names to strings.`);
    return Object.entries(value).map(([name, text]) => {
      if (typeof text !== 'string')
        throw new Error(`${place.file}: vars.${name} must be a string to be deployed as a plain_text binding.`);
      return { kind: 'var', name, settings: { text } };
    });
  },
  pages: {
    programKey: 'envVars',
    apiKey: 'env_vars',
    stateKey: 'envVars',
    program: (text) => ({ type: 'plain_text', value: text }),
    api: (text) => ({ type: 'plain_text', value: text }),
    live: (entry) => (entry.type === 'plain_text' && typeof entry.value === 'string' ? entry.value : undefined),
  },
  // Text the code reads, not data: previews get it.
  inProtectedPreview: true,
  planValue: (binding) => String(binding.settings?.text ?? ''),
  worker: (binding, text) => ({ type: 'plain_text', name: binding.name, text }),
};
