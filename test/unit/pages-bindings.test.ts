import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  isWellFormed,
  type ProjectBindings,
  pagesBindingsProvider,
  repairPatch,
  sameBindings,
} from '../../infra/provider/pages-bindings';

const name = fc.stringMatching(/^[A-Z][A-Z0-9_]{0,6}$/);
const id = fc.stringMatching(/^[0-9a-f]{8}$/);
const environment = fc.record({
  d1Databases: fc.dictionary(name, id, { maxKeys: 3 }),
  kvNamespaces: fc.dictionary(name, id, { maxKeys: 3 }),
});
const bindings = fc.record({ production: environment, preview: environment });

/** What Cloudflare's merge-patch of deployment configs does to one binding map: null deletes, a value sets. */
function applyPatch(live: ProjectBindings, patch: Record<string, unknown>): ProjectBindings {
  const configs = patch.deployment_configs as Record<string, Record<string, Record<string, unknown>>>;
  const merged = structuredClone(live);
  for (const env of ['production', 'preview'] as const) {
    for (const [key, field] of [
      ['d1_databases', 'd1Databases'],
      ['kv_namespaces', 'kvNamespaces'],
    ] as const) {
      for (const [binding, value] of Object.entries(configs[env]?.[key] ?? {})) {
        if (value === null) delete merged[env][field][binding];
        else
          merged[env][field][binding] =
            (value as { id?: string; namespace_id?: string }).id ?? (value as { namespace_id: string }).namespace_id;
      }
    }
  }
  return merged;
}

describe('PagesBindings repair', () => {
  it('the repair PATCH turns any live bindings into exactly the wanted ones', () => {
    fc.assert(
      fc.property(bindings, bindings, (wanted, live) => {
        expect(sameBindings(applyPatch(live, repairPatch(wanted, live)), wanted)).toBe(true);
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
    expect(repairPatch(wanted, drifted)).toEqual({
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
