import * as pulumi from '@pulumi/pulumi';
import type Cloudflare from 'cloudflare';
import { describeEdits, type MigrationFingerprint, migrationStatus } from '../plan/migrations';

/**
 * Applies a package's D1 migrations through the D1 HTTP API, recording them in wrangler's own `d1_migrations` table
 * so `wrangler d1 migrations list/apply` keeps working against the same database.
 *
 * Preview shows each file that will be applied as an added element of `files`; an edited, already-applied file fails
 * the preview naming the file; a Time Travel bookmark is taken before anything is applied and kept as `bookmark`.
 *
 * Everything this provider references is serialized into the state by Pulumi, so it references only
 * dependency-free helpers and loads the official `cloudflare` SDK with `require` when it runs: Pulumi never captures
 * `require`, while a captured import of the SDK would be serialized by value wherever the program is not loaded
 * through Node's own require (under vitest, say).
 */

export interface D1MigrationFileInput {
  name: string;
  sha256: string;
  sql: string;
}

export interface D1MigrationsInputs {
  accountId: string;
  databaseId: string;
  databaseName: string;
  apiToken: string;
  apiBaseUrl?: string;
  files: D1MigrationFileInput[];
}

export interface D1MigrationsOutputs extends D1MigrationsInputs {
  /** Every file known to be applied, with the content hash it was applied with. */
  applied: MigrationFingerprint[];
  /** Files this stack applied in its last create/update. */
  appliedLastRun: string[];
  /** Time Travel bookmark taken right before the last run applied anything: restore to it to undo that run. */
  bookmark: string;
}

/** wrangler's table, created the way wrangler creates it so either tool can run next. */
const MIGRATIONS_TABLE_DDL = `CREATE TABLE IF NOT EXISTS d1_migrations(
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    name       TEXT UNIQUE,
    applied_at TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP
);`;

function cloudflareSdk(): typeof Cloudflare {
  return (require('cloudflare') as { default: typeof Cloudflare }).default;
}

function connect(inputs: D1MigrationsInputs): Cloudflare {
  const Cloudflare = cloudflareSdk();
  return new Cloudflare({
    apiToken: inputs.apiToken,
    ...(inputs.apiBaseUrl ? { baseURL: inputs.apiBaseUrl } : {}),
    maxRetries: 2,
    timeout: 60_000,
  });
}

async function runSql(client: Cloudflare, inputs: D1MigrationsInputs, sql: string): Promise<Record<string, unknown>[]> {
  const page = await client.d1.database.query(inputs.databaseId, { account_id: inputs.accountId, sql });
  return page.result.flatMap((r) => (r.results ?? []) as Record<string, unknown>[]);
}

async function appliedOnDatabase(client: Cloudflare, inputs: D1MigrationsInputs): Promise<string[]> {
  const tables = await runSql(
    client,
    inputs,
    "SELECT name FROM sqlite_master WHERE type = 'table' AND name = 'd1_migrations'",
  );
  if (tables.length === 0) return [];
  const rows = await runSql(client, inputs, 'SELECT name FROM d1_migrations ORDER BY id');
  return rows.map((r) => String(r.name));
}

async function currentBookmark(client: Cloudflare, inputs: D1MigrationsInputs): Promise<string> {
  const response = await client.d1.database.timeTravel.getBookmark(inputs.databaseId, {
    account_id: inputs.accountId,
  });
  if (!response.bookmark) throw new Error(`D1 returned no Time Travel bookmark for ${inputs.databaseName}.`);
  return response.bookmark;
}

function describeFailure(error: unknown): string {
  if (error instanceof cloudflareSdk().APIError) {
    const errors = (error.errors ?? []) as { code?: number; message?: string }[];
    const detail = errors.map((e) => `${e.message ?? ''}${e.code ? ` (code ${e.code})` : ''}`).join('; ');
    return `HTTP ${error.status ?? '?'}: ${detail || error.message}`;
  }
  return error instanceof Error ? error.message : String(error);
}

async function apply(inputs: D1MigrationsInputs, recorded: MigrationFingerprint[], previousBookmark?: string) {
  const client = connect(inputs);
  const onDatabase = await appliedOnDatabase(client, inputs);
  const status = migrationStatus(inputs.files, recorded, onDatabase);
  if (status.edited.length > 0) throw new Error(describeEdits(inputs.databaseName, status.edited));

  let bookmark = previousBookmark ?? '';
  if (status.pending.length > 0 || !bookmark) bookmark = await currentBookmark(client, inputs);
  const restoreHint = `To undo everything this run applied: wrangler d1 time-travel restore ${inputs.databaseName} --bookmark=${bookmark}`;

  if (status.pending.length > 0) await runSql(client, inputs, MIGRATIONS_TABLE_DDL);
  const done: string[] = [];
  for (const name of status.pending) {
    const file = inputs.files.find((f) => f.name === name) as D1MigrationFileInput;
    // One request per file: D1 runs a multi-statement query as a batch that is rolled back as a whole if any
    // statement fails, so a file and its d1_migrations row land together or not at all.
    const sql = `${file.sql.trim().replace(/;?\s*$/, ';')}\nINSERT INTO d1_migrations (name) VALUES ('${name.replace(/'/g, "''")}');`;
    try {
      await runSql(client, inputs, sql);
    } catch (error) {
      const before =
        done.length > 0 ? `Applied before it in this run: ${done.join(', ')}.` : 'Nothing was applied in this run.';
      throw new Error(
        `D1 migration ${name} failed on ${inputs.databaseName}: ${describeFailure(error)}\n${before} Nothing after it ran; the deployment that depends on it was not started.\n${restoreHint}`,
      );
    }
    done.push(name);
  }
  const recordedByName = new Map(recorded.map((m) => [m.name, m.sha256]));
  const nowApplied = new Set([...onDatabase, ...done, ...recordedByName.keys()]);
  const applied = inputs.files
    .filter((f) => nowApplied.has(f.name))
    .map((f) => ({ name: f.name, sha256: recordedByName.get(f.name) ?? f.sha256 }));
  const outs: D1MigrationsOutputs = { ...inputs, applied, appliedLastRun: done, bookmark };
  return outs;
}

export const d1MigrationsProvider: pulumi.dynamic.ResourceProvider<D1MigrationsInputs, D1MigrationsOutputs> = {
  async check(_olds, news) {
    const failures: pulumi.dynamic.CheckFailure[] = [];
    const seen = new Set<string>();
    for (const file of news.files ?? []) {
      if (seen.has(file.name)) failures.push({ property: 'files', reason: `duplicate migration ${file.name}` });
      seen.add(file.name);
    }
    return { inputs: news, failures };
  },

  async diff(_id, olds, news) {
    const edited = migrationStatus(news.files, olds.applied ?? [], []).edited;
    if (edited.length > 0) throw new Error(describeEdits(news.databaseName, edited));
    if (olds.databaseId !== news.databaseId || olds.accountId !== news.accountId) {
      return { changes: true, replaces: ['databaseId'], deleteBeforeReplace: false };
    }
    // Dynamic providers cannot return a detailed diff; the engine diffs the old and new `files` inputs itself, so
    // `pulumi preview --diff` lists each new file with its SQL. An update happens only when a file is not applied yet.
    const applied = new Set((olds.applied ?? []).map((m) => m.name));
    return { changes: news.files.some((file) => !applied.has(file.name)) };
  },

  async create(inputs) {
    const outs = await apply(inputs, []);
    return { id: `${inputs.databaseId}/migrations`, outs };
  },

  async update(_id, olds, news) {
    const outs = await apply(news, olds.applied ?? [], olds.bookmark);
    return { outs };
  },

  // Deleting the record of migrations never touches the database: schema and data stay with the D1 database.
  async delete() {},
};

/** The Pulumi resource for a package's migrations; see {@link d1MigrationsProvider}. */
export class D1Migrations extends pulumi.dynamic.Resource {
  declare readonly applied: pulumi.Output<MigrationFingerprint[]>;
  declare readonly appliedLastRun: pulumi.Output<string[]>;
  declare readonly bookmark: pulumi.Output<string>;

  constructor(
    name: string,
    args: { [K in keyof D1MigrationsInputs]: pulumi.Input<D1MigrationsInputs[K]> },
    opts?: pulumi.CustomResourceOptions,
  ) {
    super(
      d1MigrationsProvider,
      name,
      { ...args, applied: undefined, appliedLastRun: undefined, bookmark: undefined },
      opts,
      'create-something',
      'D1Migrations',
    );
  }
}
