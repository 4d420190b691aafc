import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findByName } from '../src/ids.js';
import { CloudflareNotFoundError, isKvNamespaceId, isUuid } from '../src/index.js';
import { clientFor } from './support/client.js';
import { FakeCloudflareApi } from './support/fake-api.js';

// Names that stress the resolver: plain, prefixes of each other (the API's name filter is a search), case
// variants, and names shaped like UUIDs.
const nameArb = fc.oneof(
  fc.stringMatching(/^[a-z][a-z0-9-]{0,12}$/),
  fc.constantFrom('space', 'space-staging', 'Space', 'sp', 'io', 'io-preview'),
  fc.uuid(),
);

const accountArb = fc
  .uniqueArray(nameArb, { minLength: 1, maxLength: 6 })
  .chain((names) =>
    fc.record({
      dbs: fc.constant(names).chain((ns) => fc.tuple(...ns.map((name) => fc.uuid().map((uuid) => ({ uuid, name }))))),
      absent: nameArb.filter((n) => !names.includes(n)),
    }),
  )
  .filter(({ dbs }) => new Set(dbs.map((d) => d.uuid)).size === dbs.length);

describe('id shapes', () => {
  it('every UUID, in any case, is an id; changing its shape makes it a name', () => {
    fc.assert(
      fc.property(fc.uuid(), (uuid) => {
        expect(isUuid(uuid) && isUuid(uuid.toUpperCase())).toBe(true);
        expect(isUuid(uuid.replaceAll('-', ''))).toBe(false);
        expect(isUuid(`${uuid}x`)).toBe(false);
        expect(isUuid(` ${uuid}`)).toBe(false);
      }),
    );
  });

  it('32 hex digits are a KV namespace id, and a UUID is not', () => {
    fc.assert(
      fc.property(fc.uuid(), (uuid) => {
        const hex = uuid.replaceAll('-', '');
        expect(isKvNamespaceId(hex)).toBe(true);
        expect(isKvNamespaceId(uuid)).toBe(false);
        expect(isKvNamespaceId(hex.slice(1))).toBe(false);
      }),
    );
  });
});

describe('findByName', () => {
  it('returns exactly the entry with that name, or undefined when there is none', () => {
    fc.assert(
      fc.property(fc.uniqueArray(nameArb, { maxLength: 8 }), nameArb, (names, wanted) => {
        const entries = names.map((name, i) => ({ name, id: String(i) }));
        const found = findByName(entries, wanted, { name: (e) => e.name, id: (e) => e.id });
        if (names.includes(wanted)) expect(found).toBe(entries[names.indexOf(wanted)]);
        else expect(found).toBeUndefined();
      }),
    );
  });
});

describe('d1.resolve against the fake API', () => {
  const api = new FakeCloudflareApi();
  beforeAll(() => api.start());
  afterAll(() => api.stop());

  it('by name and by id both give the same database; an absent name is CloudflareNotFoundError', async () => {
    await fc.assert(
      fc.asyncProperty(accountArb, async ({ dbs, absent }) => {
        api.reset();
        api.d1 = dbs;
        const cf = clientFor(api);
        for (const db of dbs) {
          expect(await cf.d1.resolve(db.name)).toMatchObject(db);
          // A UUID-shaped name that is also some database's id resolves to that database, as an id should.
          const byId = await cf.d1.resolve(db.uuid);
          expect(byId.uuid).toBe(db.uuid);
        }
        await expect(cf.d1.resolve(absent)).rejects.toBeInstanceOf(CloudflareNotFoundError);
      }),
      { numRuns: 25 },
    );
  });
});
