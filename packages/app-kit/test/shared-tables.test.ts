import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { splitSql } from './d1.ts';

// The server modules expect the tables of migrations/shared-tables.sql; each app creates them in a migration of its
// own (D1 migrations are per database). This keeps the copies from drifting.
const packages = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const canonical = splitSql(readFileSync(path.join(packages, 'app-kit/migrations/shared-tables.sql'), 'utf8'));

describe.each(['space', 'io', 'agency', 'ltd'])('%s migrations', (app) => {
  it('create the shared tables exactly as app-kit declares them, in one file', () => {
    const dir = path.join(packages, app, 'migrations');
    const holding = readdirSync(dir)
      .filter((file) => file.endsWith('.sql'))
      .filter((file) => readFileSync(path.join(dir, file), 'utf8').includes('CREATE TABLE IF NOT EXISTS rate_limits'));
    expect(holding).toHaveLength(1);
    const statements = splitSql(readFileSync(path.join(dir, holding[0] as string), 'utf8'));
    expect(statements).toEqual(canonical);
  });
});
