import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { BINDING_KINDS } from '../../infra/bindings';
import { SECRET_IS_SET } from '../../infra/bindings/secrets';
import {
  isWellFormed,
  type ProjectBindings,
  pagesBindingsProvider,
  repairPatch,
  sameBindings,
} from '../../infra/provider/pages-bindings';

const name = fc.stringMatching(/^[A-Z][A-Z0-9_]{0,6}$/);
const id = fc.stringMatching(/^[0-9a-f]{8}$/);
const map = fc.dictionary(name, id, { maxKeys: 3 });
/** Every kind a Pages project can hold; a secret's record is only that it is set. */
const environment = fc.record(
  {
    d1Databases: map,
    kvNamespaces: map,
    r2Buckets: map,
    queueProducers: map,
    envVars: map,
    // Names apart from the variables': a binding name is declared once (readConfigBindings refuses a second).
    secrets: fc.dictionary(fc.stringMatching(/^secret_[a-z]{1,4}$/), fc.constant(SECRET_IS_SET), { maxKeys: 2 }),
  },
  { requiredKeys: ['d1Databases', 'kvNamespaces'] },
);
const bindings = fc.record({ production: environment, preview: environment });
const SHAPES = BINDING_KINDS.flatMap((k) => (k.pages ? [k.pages] : []));

/** What Cloudflare's merge-patch of deployment configs does to the binding maps: null deletes, a value sets. */
function applyPatch(live: ProjectBindings, patch: Record<string, unknown>): ProjectBindings {
  const configs = patch.deployment_configs as Record<string, Record<string, Record<string, unknown>>>;
  const merged = structuredClone(live);
  for (const env of ['production', 'preview'] as const) {
    for (const [apiKey, entries] of Object.entries(configs[env] ?? {})) {
      for (const [binding, value] of Object.entries(entries)) {
        for (const shape of SHAPES.filter((s) => s.apiKey === apiKey)) delete merged[env][shape.stateKey]?.[binding];
        if (value === null) continue;
        const shape = SHAPES.find((s) => s.apiKey === apiKey && s.live(value as Record<string, unknown>) !== undefined);
        if (!shape) throw new Error(`no kind reads ${apiKey}.${binding}`);
        merged[env][shape.stateKey] = {
          ...merged[env][shape.stateKey],
          [binding]: shape.live(value as Record<string, unknown>) as string,
        };
      }
    }
  }
  return merged;
}

describe('PagesBindings repair', () => {
  it('the repair PATCH turns any live bindings into exactly the wanted ones', () => {
    fc.assert(
      fc.property(bindings, bindings, (wanted, live) => {
        const secretValues = Object.fromEntries(
          [...Object.keys(wanted.production.secrets ?? {}), ...Object.keys(wanted.preview.secrets ?? {})].map((n) => [
            n,
            `value-of-${n}`,
          ]),
        );
        expect(sameBindings(applyPatch(live, repairPatch(wanted, live, secretValues)), wanted)).toBe(true);
      }),
    );
  });

  it('a removed KV binding and a DB pointed elsewhere are a difference; key order is not', () => {
    const wanted: ProjectBindings = {
      production: { d1Databases: { DB: 'db-1' }, kvNamespaces: { KV: 'kv-1' } },
      preview: { d1Databases: { DB: 'db-1' }, kvNamespaces: { KV: 'kv-1' } },
    };
    const drifted = structuredClone(wanted);
    drifted.production = { d1Databases: { DB: 'spare' }, kvNamespaces: {} };
    expect(sameBindings(wanted, drifted)).toBe(false);
    const reordered: ProjectBindings = {
      production: { kvNamespaces: { KV: 'kv-1' }, d1Databases: { DB: 'db-1' } },
      preview: { d1Databases: { DB: 'db-1' }, kvNamespaces: { KV: 'kv-1' } },
    };
    expect(sameBindings(wanted, reordered)).toBe(true);
    expect(repairPatch(wanted, drifted)).toMatchObject({
      deployment_configs: {
        production: { d1_databases: { DB: { id: 'db-1' } }, kv_namespaces: { KV: { namespace_id: 'kv-1' } } },
        preview: { d1_databases: { DB: { id: 'db-1' } }, kv_namespaces: { KV: { namespace_id: 'kv-1' } } },
      },
    });
  });

  it('nothing compares equal to a project that is gone', () => {
    const wanted: ProjectBindings = {
      production: { d1Databases: {}, kvNamespaces: {} },
      preview: { d1Databases: {}, kvNamespaces: {} },
    };
    expect(sameBindings(wanted, undefined)).toBe(false);
  });

  it('sends a secret with its value, and never puts a value in the record', () => {
    const wanted: ProjectBindings = {
      production: { envVars: { MODE: 'live' }, secrets: { VISITOR_KEY: SECRET_IS_SET } },
      preview: { envVars: { MODE: 'live' } },
    };
    // Cloudflare answers a secret without its value: set is all that is compared.
    const live: ProjectBindings = { production: { envVars: { MODE: 'live', OLD: 'x' } }, preview: {} };
    expect(repairPatch(wanted, live, { VISITOR_KEY: 'k'.repeat(40) })).toMatchObject({
      deployment_configs: {
        production: {
          env_vars: {
            MODE: { type: 'plain_text', value: 'live' },
            OLD: null,
            VISITOR_KEY: { type: 'secret_text', value: 'k'.repeat(40) },
          },
        },
        preview: { env_vars: { MODE: { type: 'plain_text', value: 'live' } } },
      },
    });
    expect(() => repairPatch(wanted, live, {})).toThrow(
      /secret VISITOR_KEY is to be bound but its value was not given/,
    );
  });

  it('compares a state written before bindings were data (D1 and KV maps only) equal to the same bindings now', () => {
    const before: ProjectBindings = {
      production: { d1Databases: { DB: 'db-1' }, kvNamespaces: { KV: 'kv-1' } },
      preview: { d1Databases: {}, kvNamespaces: {} },
    };
    const now: ProjectBindings = {
      production: { d1Databases: { DB: 'db-1' }, kvNamespaces: { KV: 'kv-1' }, r2Buckets: {}, envVars: {} },
      preview: { d1Databases: {}, kvNamespaces: {} },
    };
    expect(sameBindings(before, now)).toBe(true);
  });

  it('a diff whose new bindings the engine does not know yet (a bound KV being replaced) is a change, not a crash', async () => {
    const known: ProjectBindings = {
      production: { d1Databases: { DB: 'db-1' }, kvNamespaces: { KV: 'kv-1' } },
      preview: { d1Databases: {}, kvNamespaces: {} },
    };
    // How unknowns reach a dynamic provider: the whole object as the engine's unknown sentinel, or one entry of it.
    const UNKNOWN = '04da6b54-80e4-46f7-96ec-b56ff0331ba9';
    const inputs = { accountId: 'a', projectName: 'p' };
    for (const unknown of [UNKNOWN, { production: UNKNOWN, preview: known.preview }, undefined]) {
      expect(isWellFormed(unknown)).toBe(false);
      const diff = await pagesBindingsProvider.diff?.(
        'a/p/bindings',
        { ...inputs, bindings: known },
        { ...inputs, bindings: unknown as unknown as ProjectBindings },
      );
      expect(diff).toEqual({ changes: true });
    }
    expect(isWellFormed(known)).toBe(true);
    expect(
      await pagesBindingsProvider.diff?.(
        'a/p/bindings',
        { ...inputs, bindings: known },
        { ...inputs, bindings: known },
      ),
    ).toEqual({
      changes: false,
    });
  });
});
