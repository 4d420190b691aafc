import { answerMayBeLost, describeFailure, type ProviderClient, providerClient } from '../cloudflare/client';
import {
  D1_LIMITS,
  type D1Limits,
  d1SqlProblems,
  formatBytes,
  scanSql,
  splitIntoRequests,
  utf8Bytes,
} from '../plan/d1-sql';
import { destructiveProblems } from '../plan/destructive-sql';
import {
  CHECKSUMS_TABLE,
  type DatabaseMigrations,
  describeDeleted,
  describeEdits,
  describeRecord,
  MIGRATIONS_TABLE,
  type MigrationFingerprint,
  migrationNameProblems,
  migrationNumber,
  migrationRequestSql,
  migrationStatus,
  orderMigrations,
  quoteSql,
} from '../plan/migrations';
import { type CheckFailure, isKnown, type ResourceHandler } from './handler';
import { isLegacyState, withoutLegacyFields } from './legacy-state';

/**
 * Applies a package's D1 migrations through the D1 HTTP API, recording them in wrangler's own `d1_migrations` table
 * (so `wrangler d1 migrations list/apply` keeps working against the same database) and each file's sha256 in
 * `d1_migrations_checksums` beside it, in the same request as the file. The database is the record: every step reads
 * it first, so an edited applied file is caught after a partly failed run, a lost state file or on another stack.
 *
 * - check (runs in preview and up): names and order, D1's own rules for each pending file (no transaction control,
 *   statement and request sizes), edited or deleted applied files; it also drops the SQL of files the database
 *   already has from the inputs, so the state keeps names and hashes of applied files and the SQL of pending ones
 *   only, which `pulumi preview --diff` shows.
 * - diff: the same guard against the database, with the state's hashes for files applied before checksums were kept.
 * - create/update: a Time Travel bookmark first (an output), then one request per pending file, never retried (a
 *   request whose answer is lost may have committed); on a lost answer or an error, d1_migrations is read back and
 *   the report says exactly what is on the database.
 * - read (`pulumi refresh`): what the database records, including files applied by hand (`unverified`: no checksum,
 *   content unknown) and files the state lists but the database lacks (`missingFromDatabase`).
 *
 * Served by the project's provider plugin (server.ts) as `createsomething:d1:Migrations`; the program declares it with
 * `infra/resources/d1-migrations.ts`.
 */

export interface D1MigrationFileInput {
  name: string;
  sha256: string;
  /** The file's SQL; dropped by `check` once the database has the file, so the state does not carry it. */
  sql?: string;
}

export interface D1MigrationsInputs {
  accountId: string;
  databaseId: string;
  databaseName: string;
  /** Only when the stack's config holds the token; otherwise the job's CLOUDFLARE_API_TOKEN is used. */
  apiToken?: string;
  apiBaseUrl?: string;
  files: D1MigrationFileInput[];
  /**
   * A protected stack's migrations: a pending file that drops, renames, rebuilds or wipes (infra/plan/destructive-sql.ts)
   * must say why (`-- destructive: <reason>`), or preview and up refuse it.
   */
  requireDestructiveReason?: boolean;
}

export interface D1MigrationsOutputs extends D1MigrationsInputs {
  /** Files in d1_migrations with the content hash they were applied with (the database's checksum, else state's). */
  applied: MigrationFingerprint[];
  /** Files in d1_migrations without a checksum: applied outside this program (wrangler), content unknown. */
  unverified: string[];
  /** Files the state listed as applied that d1_migrations lacks: drift (a Time Travel restore, a hand edit). */
  missingFromDatabase: string[];
  /** The two lists above in words. */
  notes: string[];
  /** Files this stack applied in its last create/update. */
  appliedLastRun: string[];
  /** Time Travel bookmark taken right before the last run applied anything: restore to it to undo that run. */
  bookmark: string;
}

export interface D1MigrationsProviderOptions {
  /** Per-request timeout of the SDK client. */
  timeoutMs?: number;
  limits?: D1Limits;
}

const MIGRATIONS_TABLE_DDL = `CREATE TABLE IF NOT EXISTS ${MIGRATIONS_TABLE}(
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    name       TEXT UNIQUE,
    applied_at TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP
);`;
const CHECKSUMS_TABLE_DDL = `CREATE TABLE IF NOT EXISTS ${CHECKSUMS_TABLE}(
    name       TEXT PRIMARY KEY,
    sha256     TEXT NOT NULL,
    applied_at TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP
);`;

function connect(inputs: D1MigrationsInputs, options: D1MigrationsProviderOptions): ProviderClient {
  return providerClient(inputs, { timeoutMs: options.timeoutMs ?? 60_000 });
}

async function runSql(
  client: ProviderClient,
  inputs: D1MigrationsInputs,
  sql: string,
  requestOptions: { maxRetries?: number } = {},
): Promise<Record<string, unknown>[]> {
  const page = await client.d1.database.query(inputs.databaseId, { account_id: inputs.accountId, sql }, requestOptions);
  return page.result.flatMap((r) => (r.results ?? []) as Record<string, unknown>[]);
}

async function readDatabase(client: ProviderClient, inputs: D1MigrationsInputs): Promise<DatabaseMigrations> {
  const tables = (
    await runSql(
      client,
      inputs,
      `SELECT name FROM sqlite_master WHERE type = 'table' AND name IN ('${MIGRATIONS_TABLE}', '${CHECKSUMS_TABLE}')`,
    )
  ).map((r) => String(r.name));
  if (!tables.includes(MIGRATIONS_TABLE)) return { names: [], checksums: [] };
  const rows = await runSql(
    client,
    inputs,
    tables.includes(CHECKSUMS_TABLE)
      ? `SELECT m.name AS name, c.sha256 AS sha256 FROM ${MIGRATIONS_TABLE} m LEFT JOIN ${CHECKSUMS_TABLE} c ON c.name = m.name ORDER BY m.id`
      : `SELECT name, NULL AS sha256 FROM ${MIGRATIONS_TABLE} ORDER BY id`,
  );
  const named = rows.filter((r) => typeof r.name === 'string');
  return {
    names: named.map((r) => r.name as string),
    checksums: named
      .filter((r) => typeof r.sha256 === 'string')
      .map((r) => ({ name: r.name as string, sha256: r.sha256 as string })),
  };
}

/** The database's record, or undefined when there is no database to read yet (its id is unknown in a preview). */
async function readDatabaseIfKnown(
  inputs: D1MigrationsInputs,
  options: D1MigrationsProviderOptions,
): Promise<DatabaseMigrations | undefined> {
  if (
    !isKnown(inputs.databaseId) ||
    !isKnown(inputs.accountId) ||
    (inputs.apiToken !== undefined && !isKnown(inputs.apiToken))
  )
    return undefined;
  try {
    return await readDatabase(connect(inputs, options), inputs);
  } catch (error) {
    throw new Error(
      `Could not read ${MIGRATIONS_TABLE} of ${inputs.databaseName} to compare it with the migration files: ${describeFailure(error)}`,
    );
  }
}

async function currentBookmark(client: ProviderClient, inputs: D1MigrationsInputs): Promise<string> {
  const response = await client.d1.database.timeTravel.getBookmark(inputs.databaseId, {
    account_id: inputs.accountId,
  });
  if (!response.bookmark) throw new Error(`D1 returned no Time Travel bookmark for ${inputs.databaseName}.`);
  return response.bookmark;
}

/**
 * D1's rules for each file that will be sent, before anything runs: names, transaction control, statement size, and
 * the size of the request that applies it (with where to cut a file that does not fit). One message per problem,
 * naming the file, the line and the rule.
 */
export function preflight(
  files: readonly D1MigrationFileInput[],
  limits: D1Limits = D1_LIMITS,
  { requireDestructiveReason = false }: { requireDestructiveReason?: boolean } = {},
): string[] {
  const problems = migrationNameProblems(files.map((f) => ({ name: f.name })));
  const seen = new Set<string>();
  for (const file of files) {
    if (seen.has(file.name)) problems.push(`${file.name} is listed twice.`);
    seen.add(file.name);
  }
  for (const file of files) {
    if (file.sql === undefined) continue;
    const scan = scanSql(file.sql);
    for (const p of d1SqlProblems(scan, limits)) problems.push(`${file.name} line ${p.line}: ${p.rule}: ${p.message}`);
    if (requireDestructiveReason) problems.push(...destructiveProblems(file.name, file.sql));
    const request = migrationRequestSql({ ...file, sql: file.sql }, scan.terminated);
    const bytes = utf8Bytes(JSON.stringify({ sql: request }));
    if (bytes > limits.maxRequestBytes) problems.push(describeOversized(file, scan.statements, bytes, limits));
  }
  return problems;
}

function describeOversized(
  file: D1MigrationFileInput,
  statements: ReturnType<typeof scanSql>['statements'],
  bytes: number,
  limits: D1Limits,
): string {
  const overhead = utf8Bytes(JSON.stringify({ sql: migrationRequestSql({ ...file, sql: '' }, true) }));
  const parts = splitIntoRequests(statements, limits.maxRequestBytes, overhead);
  const number = migrationNumber(file.name);
  const width = Math.max(4, /^[0-9]+/.exec(file.name)?.[0].length ?? 4);
  const stem = file.name.replace(/^[0-9]+_/, '').replace(/\.sql$/, '');
  const names = parts.map((part, k) => {
    const name =
      k === 0 ? file.name : `${(BigInt(number) + BigInt(k)).toString().padStart(width, '0')}_${stem}_part${k + 1}.sql`;
    return `${name} (lines ${part.fromLine}–${part.toLine})`;
  });
  return `${file.name}: request size: applying it takes one request of ${formatBytes(bytes)} bytes, more than D1 accepts in one request (${formatBytes(limits.maxRequestBytes)} bytes); each file is applied in one request so that it lands whole or not at all. Split it into ${parts.length} numbered files applied in order: ${names.join(', ')}, renumbering any later files whose numbers these take.`;
}

interface RunContext {
  inputs: D1MigrationsInputs;
  client: ProviderClient;
  /** What d1_migrations held when this run started. */
  before: DatabaseMigrations;
  /** Files this run applied, confirmed by D1's answer or by reading d1_migrations back. */
  done: string[];
  restoreHint: string;
}

/**
 * Applies one file in one request that is never retried: D1 runs the request as one transaction, so after a lost
 * answer the file either landed whole (its d1_migrations row is there) or not at all, and only reading the table
 * back tells which. Returns normally when the file is on the database; throws the run's report otherwise.
 */
async function applyFile(ctx: RunContext, file: D1MigrationFileInput, later: readonly string[]): Promise<void> {
  const { inputs, client } = ctx;
  if (file.sql === undefined) {
    throw new Error(
      failureReport(ctx, file.name, later, {
        cause: `its SQL was not passed (the database had it when the inputs were checked, and no longer does); run pulumi up again to apply it.`,
        landed: false,
        database: ctx.before,
      }),
    );
  }
  const sql = migrationRequestSql({ ...file, sql: file.sql }, scanSql(file.sql).terminated);
  try {
    await runSql(client, inputs, sql, { maxRetries: 0 });
    return;
  } catch (error) {
    const cause = `${describeFailure(error)}${answerMayBeLost(error) ? ' (no answer: the request may have been applied)' : ''}`;
    let database: DatabaseMigrations;
    try {
      database = await readDatabase(client, inputs);
    } catch (readError) {
      throw new Error(failureReport(ctx, file.name, later, { cause, readError: describeFailure(readError) }));
    }
    if (database.names.includes(file.name)) {
      const checksum = database.checksums.find((c) => c.name === file.name)?.sha256;
      if (checksum === file.sha256) return; // It landed whole; the answer was what got lost.
      throw new Error(
        failureReport(ctx, file.name, later, {
          cause: `${cause}; d1_migrations lists it, but with ${checksum ? `checksum ${checksum.slice(0, 12)}…` : 'no checksum'} instead of ${file.sha256.slice(0, 12)}… (applied by someone else at the same time?)`,
          landed: true,
          database,
        }),
      );
    }
    throw new Error(failureReport(ctx, file.name, later, { cause, landed: false, database }));
  }
}

function failureReport(
  ctx: RunContext,
  failed: string,
  later: readonly string[],
  outcome: { cause: string; landed?: boolean; database?: DatabaseMigrations; readError?: string },
): string {
  const { inputs } = ctx;
  const list = (names: readonly string[]) => (names.length > 0 ? names.join(', ') : 'none');
  const lines = [`D1 migration ${failed} failed on ${inputs.databaseName}: ${outcome.cause}`];
  if (outcome.database) {
    const earlier = new Set(ctx.before.names);
    const onDb = outcome.database.names;
    lines.push(
      `Read back from ${MIGRATIONS_TABLE} just now:`,
      `  applied before this run: ${list(onDb.filter((n) => earlier.has(n)))}`,
      `  applied in this run: ${list(onDb.filter((n) => !earlier.has(n) && n !== failed))}`,
      `  ${failed}: ${outcome.landed ? 'on the database (it landed)' : 'not on the database (nothing of it was applied)'}`,
    );
  } else {
    lines.push(
      `Reading ${MIGRATIONS_TABLE} back failed too (${outcome.readError}), so whether ${failed} landed is unknown.`,
      `  applied before this run: ${list(ctx.before.names)}`,
      `  applied in this run (D1 answered): ${list(ctx.done)}`,
      `Check with: wrangler d1 migrations list ${inputs.databaseName} --remote. Running pulumi up again is safe: it reads ${MIGRATIONS_TABLE} first and applies only what is missing.`,
    );
  }
  lines.push(
    `Not attempted: ${list(later)}. The deployment that depends on these migrations was not started.`,
    ctx.restoreHint,
  );
  return lines.join('\n');
}

async function apply(
  inputs: D1MigrationsInputs,
  options: D1MigrationsProviderOptions,
  recorded: MigrationFingerprint[],
  previousBookmark?: string,
): Promise<D1MigrationsOutputs> {
  const files = orderMigrations(inputs.files);
  const client = connect(inputs, options);
  const before = await readDatabase(client, inputs);
  const status = migrationStatus(files, recorded, before);
  if (status.edited.length > 0) throw new Error(describeEdits(inputs.databaseName, status.edited));
  if (status.deleted.length > 0) throw new Error(describeDeleted(inputs.databaseName, status.deleted));
  const pendingFiles = files.filter((f) => status.pending.includes(f.name));
  const problems = preflight(pendingFiles, options.limits, inputs);
  if (problems.length > 0) throw new Error(describeProblems(inputs.databaseName, problems));

  let bookmark = previousBookmark ?? '';
  if (pendingFiles.length > 0 || !bookmark) bookmark = await currentBookmark(client, inputs);
  const ctx: RunContext = {
    inputs,
    client,
    before,
    done: [],
    restoreHint: `To undo everything this run applied: wrangler d1 time-travel restore ${inputs.databaseName} --bookmark=${bookmark}`,
  };

  // Idempotent, so safe to retry: the tables, and the checksums of files applied before the database kept them.
  if (pendingFiles.length > 0 || status.backfill.length > 0) {
    await runSql(client, inputs, `${MIGRATIONS_TABLE_DDL}\n${CHECKSUMS_TABLE_DDL}`);
  }
  if (status.backfill.length > 0) {
    const values = status.backfill.map((m) => `(${quoteSql(m.name)}, ${quoteSql(m.sha256)})`).join(', ');
    await runSql(client, inputs, `INSERT OR IGNORE INTO ${CHECKSUMS_TABLE} (name, sha256) VALUES ${values};`);
  }

  for (const [k, file] of pendingFiles.entries()) {
    await applyFile(
      ctx,
      file,
      pendingFiles.slice(k + 1).map((f) => f.name),
    );
    ctx.done.push(file.name);
  }

  const after: DatabaseMigrations = {
    names: [...before.names, ...ctx.done],
    checksums: [...before.checksums, ...status.backfill, ...pendingFiles.map(({ name, sha256 }) => ({ name, sha256 }))],
  };
  const final = migrationStatus(files, recorded, after);
  return {
    ...inputs,
    files: files.map(({ name, sha256 }) => ({ name, sha256 })),
    applied: final.applied,
    unverified: final.unverified,
    missingFromDatabase: final.missingFromDatabase,
    notes: describeRecord(final),
    appliedLastRun: ctx.done,
    bookmark,
  };
}

function describeProblems(databaseName: string, problems: readonly string[]): string {
  return [
    `D1 migrations for ${databaseName} would be refused; nothing was applied:`,
    ...problems.map((p) => `  ${p}`),
  ].join('\n');
}

/** The provider; options exist for tests (a short timeout, small limits). */
export function createD1MigrationsProvider(
  options: D1MigrationsProviderOptions = {},
): ResourceHandler<D1MigrationsInputs, D1MigrationsOutputs> {
  return {
    async check(_olds, news) {
      const failures: CheckFailure[] = [];
      const files = orderMigrations(news.files ?? []);
      const database = await readDatabaseIfKnown(news, options);
      if (database) {
        const status = migrationStatus(files, [], database);
        if (status.edited.length > 0) {
          failures.push({ property: 'files', reason: describeEdits(news.databaseName, status.edited) });
        }
        if (status.deleted.length > 0) {
          failures.push({ property: 'files', reason: describeDeleted(news.databaseName, status.deleted) });
        }
      }
      // Files the database already has never run again: keep their name and hash, not their SQL.
      const onDatabase = new Set(database?.names ?? []);
      const checked = files.map((f) => (onDatabase.has(f.name) ? { name: f.name, sha256: f.sha256 } : f));
      const problems = preflight(checked, options.limits, news);
      if (problems.length > 0) {
        failures.push({ property: 'files', reason: describeProblems(news.databaseName, problems) });
      }
      return { inputs: { ...news, files: checked }, failures };
    },

    async diff(_id, olds, news) {
      if (olds.databaseId !== news.databaseId || olds.accountId !== news.accountId) {
        return { changes: true, replaces: ['databaseId'], deleteBeforeReplace: false };
      }
      const database = await readDatabaseIfKnown(news, options);
      const status = migrationStatus(orderMigrations(news.files), olds.applied ?? [], database);
      if (status.edited.length > 0) throw new Error(describeEdits(news.databaseName, status.edited));
      if (status.deleted.length > 0) throw new Error(describeDeleted(news.databaseName, status.deleted));
      // The engine diffs the old and new `files` inputs itself, so `pulumi preview --diff` lists each pending file
      // with its SQL. An update happens only when a file is not in d1_migrations yet, when checksums known only from
      // the state are to be written into the database, or once to rewrite a state written by the dynamic provider
      // this resource replaces (an update that applies nothing: see legacy-state.ts).
      return {
        changes: status.pending.length > 0 || status.backfill.length > 0 || isLegacyState(olds),
      };
    },

    async create(inputs) {
      const outs = await apply(inputs, options, []);
      return { id: `${inputs.databaseId}/migrations`, outs };
    },

    async update(_id, olds, news) {
      const outs = await apply(news, options, olds.applied ?? [], olds.bookmark);
      return { outs };
    },

    async read(id, props) {
      if (!props) throw new Error(`No recorded state for ${id}: import is not supported, let pulumi up create it.`);
      const database = await readDatabase(connect(props, options), props);
      const status = migrationStatus(orderMigrations(props.files ?? []), props.applied ?? [], database);
      return {
        id,
        props: {
          ...withoutLegacyFields(props),
          appliedLastRun: props.appliedLastRun ?? [],
          bookmark: props.bookmark ?? '',
          applied: status.applied,
          unverified: status.unverified,
          missingFromDatabase: status.missingFromDatabase,
          notes: describeRecord(status),
        },
      };
    },

    // Deleting the record of migrations never touches the database: schema and data stay with the D1 database.
    async delete() {},
  };
}

export const d1MigrationsProvider = createD1MigrationsProvider();
