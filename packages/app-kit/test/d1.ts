import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { D1Database } from '@cloudflare/workers-types';

/**
 * Applies D1 migrations in tests the way `wrangler d1 migrations apply` would, without spawning wrangler:
 * the apps and the space Workers all seed their Miniflare D1 from the same migrations directory layout.
 */

/** Splits a migration file into statements, respecting quoted strings and `--` comments. */
export function splitSql(sql: string): string[] {
  const statements: string[] = [];
  let current = '';
  let quote: string | null = null;
  for (let i = 0; i < sql.length; i++) {
    const ch = sql[i] as string;
    if (quote) {
      current += ch;
      if (ch === quote) quote = null;
    } else if (ch === '-' && sql[i + 1] === '-') {
      while (i < sql.length && sql[i] !== '\n') i++;
      current += '\n';
    } else if (ch === "'" || ch === '"') {
      quote = ch;
      current += ch;
    } else if (ch === ';') {
      if (current.trim()) statements.push(current.trim());
      current = '';
    } else {
      current += ch;
    }
  }
  if (current.trim()) statements.push(current.trim());
  return statements;
}

/** The `.sql` files of a migrations directory in the order wrangler applies them. */
export function migrationFiles(dir: string): string[] {
  return readdirSync(dir)
    .filter((name) => name.endsWith('.sql'))
    .sort()
    .map((name) => path.join(dir, name));
}

/** Runs every migration in `dir` against `db`, one batch per file. */
export async function applyMigrations(db: D1Database, dir: string): Promise<void> {
  for (const file of migrationFiles(dir)) {
    await db.batch(splitSql(readFileSync(file, 'utf8')).map((statement) => db.prepare(statement)));
  }
}
