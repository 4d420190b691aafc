import { readFileSync } from 'node:fs';
import type { D1Database } from '@cloudflare/workers-types';
import { Miniflare } from 'miniflare';
import { splitSql } from './d1.ts';

/** A fresh Miniflare D1 with app-kit's shared tables, for the server modules' tests. */
export async function sharedTablesDb(): Promise<{ db: D1Database; stop(): Promise<void> }> {
  const mf = new Miniflare({
    modules: true,
    script: 'export default { fetch() { return new Response(null, { status: 404 }); } }',
    d1Databases: { DB: 'app-kit-test' },
  });
  const db = (await mf.getD1Database('DB')) as unknown as D1Database;
  const sql = readFileSync(new URL('../migrations/shared-tables.sql', import.meta.url), 'utf8');
  for (const statement of splitSql(sql)) await db.prepare(statement).run();
  return { db, stop: () => mf.dispose() };
}
