import { expect, it } from 'vitest';
import { withCreated } from '../support/resources.ts';
import { failure, sdk, type Target, uniqueName } from '../support/target.ts';
import { createDatabase } from './d1.ts';

const NO_READ_TOKEN =
  'NOT RUN: no read-only token (set CONFORMANCE_READ_TOKEN to a token with Read permissions only: Pages, D1, Workers KV Storage, Workers Scripts, Account Settings)';

/** What `pulumi preview` and the drift check do with a read-only token (README "Tokens per GitHub environment"). */
export function readOnlyBeliefs(target: () => Target): void {
  it('B27 read-only token: lists Pages projects, D1 databases and KV namespaces, and runs a SELECT through /query', async (ctx) => {
    const t = target();
    if (!t.readOnlyToken) return ctx.skip(NO_READ_TOKEN);
    await withCreated(async (created) => {
      const id = await createDatabase(t, created);
      await sdk(t).d1.database.query(id, { account_id: t.accountId, sql: 'CREATE TABLE d1_migrations (name TEXT)' });
      const reader = sdk(t, t.readOnlyToken);
      await reader.pages.projects.list({ account_id: t.accountId });
      await reader.kv.namespaces.list({ account_id: t.accountId });
      expect((await reader.d1.database.get(id, { account_id: t.accountId })).uuid).toBe(id);
      const page = await reader.d1.database.query(id, {
        account_id: t.accountId,
        sql: 'SELECT name FROM d1_migrations',
      });
      expect(page.result[0]?.results).toEqual([]);
    });
  });

  it('B28 read-only token: every write is refused with 403 (code 10000) and changes nothing', async (ctx) => {
    const t = target();
    if (!t.readOnlyToken) return ctx.skip(NO_READ_TOKEN);
    await withCreated(async (created) => {
      const id = await createDatabase(t, created);
      const writer = sdk(t);
      await writer.d1.database.query(id, { account_id: t.accountId, sql: 'CREATE TABLE notes (body TEXT)' });
      const reader = sdk(t, t.readOnlyToken);
      const insert = await failure(
        reader.d1.database.query(id, { account_id: t.accountId, sql: "INSERT INTO notes VALUES ('no')" }),
      );
      expect(insert.status).toBe(403);
      const count = await writer.d1.database.query(id, {
        account_id: t.accountId,
        sql: 'SELECT count(*) AS n FROM notes',
      });
      expect(count.result[0]?.results).toEqual([{ n: 0 }]);
      const title = uniqueName(t, 'refused');
      const kv = await failure(reader.kv.namespaces.create({ account_id: t.accountId, title }));
      expect(kv.status).toBe(403);
      expect(kv.codes).toContain(10000);
    });
  });
}
