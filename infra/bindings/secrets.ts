import type { BindingKind } from './kind';

/**
 * Secrets (`secrets: { required: ["NAME"] }`, wrangler's own key): bound as `secret_text` in Workers and as
 * `env_vars` of type `secret_text` in Pages deployment configs. The value comes from the stack's Pulumi secret config,
 * one key per secret name (`secretConfigKey`), and stays a Pulumi secret all the way: encrypted in the state, never in a
 * log, a build or the bindings record (which keeps only that the secret is set: Cloudflare never returns a value).
 */
export const secrets: BindingKind = {
  kind: 'secret',
  configKey: 'secrets',
  scopes: ['app', 'worker'],
  read: (value, place) => {
    if (value === undefined) return [];
    const required = (value as { required?: unknown } | null)?.required;
    if (
      typeof value !== 'object' ||
      value === null ||
      !Array.isArray(required) ||
      required.some((n) => typeof n !== 'string' || n === '')
    )
      throw new Error(`${place.file}: secrets must be { "required": ["NAME", …] }, as in wrangler's configuration.`);
    return (required as string[]).map((name) => ({ kind: 'secret', name }));
  },
  pages: {
    programKey: 'envVars',
    apiKey: 'env_vars',
    stateKey: 'secrets',
    program: (value) => ({ type: 'secret_text', value }),
    api: (value) => ({ type: 'secret_text', value }),
    // Cloudflare answers a secret without its value: that it is set is all there is to compare.
    live: (entry) => (entry.type === 'secret_text' ? SECRET_IS_SET : undefined),
  },
  // A credential of the production site: a preview deployment (any branch, even one made by hand) never gets it.
  inProtectedPreview: false,
  worker: (binding, text) => ({ type: 'secret_text', name: binding.name, text }),
};

/** What the bindings record keeps for a secret instead of its value. */
export const SECRET_IS_SET = '(set)';

/**
 * The stack config key a secret's value comes from: one per secret name and stack, shared by every app and Worker
 * that declares that name (`VISITOR_KEY` → `create-something:visitorKey`: one visitor key per stack, the four sites
 * agreeing on it), unless `CONFIG_KEY_OVERRIDES` names another key for one owner (a key the stacks already hold, or
 * a secret one Worker must not share).
 */
export function secretConfigKey(owner: { app: string; worker?: string }, binding: string): string {
  const id = owner.worker ? `${owner.app}/${owner.worker}:${binding}` : `${owner.app}:${binding}`;
  const override = CONFIG_KEY_OVERRIDES[id];
  if (override) return override;
  const words = binding.toLowerCase().split(/[-_]/).filter(Boolean);
  return `create-something:${words.map((w, i) => (i === 0 ? w : `${w[0]?.toUpperCase()}${w.slice(1)}`)).join('')}`;
}

/** Owners whose secret has a key of its own: kept so existing stacks' config still applies. */
const CONFIG_KEY_OVERRIDES: Readonly<Record<string, string>> = {
  // The bearer secret every call but GET /health must send (packages/space/workers/motion-extractor/src/auth.ts).
  'space/motion-extractor:API_TOKEN': 'create-something:motionExtractorToken',
};
