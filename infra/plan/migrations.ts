/**
 * Which D1 migration files exist, in which order, and which still need applying. Pure and dependency-free on
 * purpose: the D1 migrations dynamic provider is serialized into the Pulumi state with everything it references.
 */

export interface MigrationFingerprint {
  name: string;
  sha256: string;
}

export interface MigrationEdit {
  name: string;
  appliedSha256: string;
  currentSha256: string;
}

/** wrangler's own table, the record `wrangler d1 migrations list/apply` reads. */
export const MIGRATIONS_TABLE = 'd1_migrations';
/** Beside it, the content hash of each file this provider applied (wrangler ignores other tables). */
export const CHECKSUMS_TABLE = 'd1_migrations_checksums';

/** wrangler records migrations as `<4 digits>_<words>.sql`; anything else would be skipped by `wrangler d1 migrations`. */
export const MIGRATION_FILE_PATTERN = /^[0-9]{4,}_[A-Za-z0-9_.-]+\.sql$/;

/** The number a migration is ordered by (the digits before the first `_`, as wrangler reads it), without leading zeros. */
export function migrationNumber(name: string): string {
  const digits = /^[0-9]+/.exec(name)?.[0] ?? '';
  return digits.replace(/^0+(?=[0-9])/, '');
}

/**
 * wrangler's order: by leading number, numerically (10000_x.sql after 9000_y.sql), then by name. Numbers are compared
 * as digit strings, so any length is exact.
 */
export function compareMigrationNames(a: string, b: string): number {
  const na = migrationNumber(a);
  const nb = migrationNumber(b);
  if (na.length !== nb.length) return na.length - nb.length;
  if (na !== nb) return na < nb ? -1 : 1;
  return a < b ? -1 : a > b ? 1 : 0;
}

export function orderMigrations<T extends { name: string }>(files: readonly T[]): T[] {
  return [...files].sort((a, b) => compareMigrationNames(a.name, b.name));
}

export interface MigrationFolderEntry {
  name: string;
  directory?: boolean;
}

/**
 * What is wrong with the names in a migrations folder, one message per problem, each naming the files: names wrangler
 * would skip (it applies `migrations/*.sql`, case-sensitively, not dot files, not sub-folders), `.sql` files without
 * a leading number, and two files with the same number (their order would rest on the rest of the name).
 */
export function migrationNameProblems(entries: readonly MigrationFolderEntry[]): string[] {
  const problems: string[] = [];
  const numbered: string[] = [];
  const sorted = [...entries].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  for (const entry of sorted) {
    const { name } = entry;
    if (entry.directory) {
      if (/^[0-9]+_/.test(name)) {
        problems.push(
          `${name}/ is a folder: wrangler applies only migrations/*.sql and would skip anything inside it. Move its SQL into a file ${name}.sql.`,
        );
      }
      continue;
    }
    if (!/\.sql$/i.test(name)) continue;
    if (name.startsWith('.')) {
      problems.push(`${name} is a hidden file: wrangler skips dot files. Rename it without the leading dot.`);
    } else if (!name.endsWith('.sql')) {
      problems.push(
        `${name}: wrangler matches *.sql case-sensitively and would skip it. Rename it to end in ".sql" (lower case).`,
      );
    } else if (!MIGRATION_FILE_PATTERN.test(name)) {
      problems.push(
        `${name} is not named like "0002_add_column.sql". Rename it with a 4-digit number and a name (wrangler d1 migrations create makes one), so the apply order is explicit.`,
      );
    } else {
      numbered.push(name);
    }
  }
  const byNumber = new Map<string, string[]>();
  for (const { name } of orderMigrations(numbered.map((n) => ({ name: n })))) {
    const number = migrationNumber(name);
    byNumber.set(number, [...(byNumber.get(number) ?? []), name]);
  }
  const highest = [...byNumber.keys()].at(-1);
  for (const [number, names] of byNumber) {
    if (names.length < 2) continue;
    problems.push(
      `${names.join(' and ')} have the same number ${number}: their order would depend on the rest of their names. Renumber all but one (the next free number is ${nextNumber(highest ?? number)}).`,
    );
  }
  return problems;
}

function nextNumber(highest: string): string {
  const next = (BigInt(highest) + 1n).toString();
  return next.padStart(4, '0');
}

/** The SQL of the request that applies one file: the file, its d1_migrations row and its checksum, all or nothing. */
export function migrationRequestSql(file: { name: string; sha256: string; sql: string }, terminated: boolean): string {
  const name = quoteSql(file.name);
  // An unterminated last statement is closed on a line of its own, after any trailing `--` comment.
  const body = terminated ? file.sql.trimEnd() : `${file.sql.trimEnd()}\n;`;
  return `${body}\nINSERT INTO ${MIGRATIONS_TABLE} (name) VALUES (${name});\nINSERT OR REPLACE INTO ${CHECKSUMS_TABLE} (name, sha256) VALUES (${name}, ${quoteSql(file.sha256)});`;
}

export function quoteSql(value: string): string {
  return `'${value.replace(/'/g, "''")}'`;
}

/** What the database itself records: wrangler's d1_migrations names in apply order, and the checksums beside them. */
export interface DatabaseMigrations {
  names: string[];
  checksums: MigrationFingerprint[];
}

export interface MigrationStatus {
  /** Files to apply, in order: not in d1_migrations. */
  pending: string[];
  /** Applied files whose content has since changed: an error, never a silent skip. */
  edited: MigrationEdit[];
  /** Applied (in d1_migrations) but no longer a file: an error, migration files are history. */
  deleted: string[];
  /** In d1_migrations with a known content hash (the database's checksum, else this stack's state), in apply order. */
  applied: MigrationFingerprint[];
  /** In d1_migrations with no checksum anywhere: applied by hand (wrangler), content unknown, edits undetectable. */
  unverified: string[];
  /** Recorded as applied in this stack's state but not in d1_migrations (a Time Travel restore, a hand edit). */
  missingFromDatabase: string[];
  /** Applied, hash known only from state: checksums to write into the database. */
  backfill: MigrationFingerprint[];
}

/**
 * @param files the migration files now in the repo, in apply order
 * @param recorded what this stack's state says it applied, with the content hash it applied
 * @param database what the database records, or undefined when it cannot be read (a database not created yet):
 *   then the state is the only record
 */
export function migrationStatus(
  files: readonly MigrationFingerprint[],
  recorded: readonly MigrationFingerprint[],
  database?: DatabaseMigrations,
): MigrationStatus {
  const recordedByName = new Map(recorded.map((m) => [m.name, m.sha256]));
  const db = database ?? { names: recorded.map((m) => m.name), checksums: [] };
  const checksumByName = new Map(db.checksums.map((m) => [m.name, m.sha256]));
  const onDatabase = new Set(db.names);
  const fileNames = new Set(files.map((f) => f.name));

  const applied: MigrationFingerprint[] = [];
  const unverified: string[] = [];
  const backfill: MigrationFingerprint[] = [];
  for (const name of db.names) {
    const sha256 = checksumByName.get(name) ?? recordedByName.get(name);
    if (sha256 === undefined) {
      unverified.push(name);
      continue;
    }
    applied.push({ name, sha256 });
    if (database && !checksumByName.has(name)) backfill.push({ name, sha256 });
  }
  const appliedSha = new Map(applied.map((m) => [m.name, m.sha256]));
  const edited: MigrationEdit[] = [];
  for (const file of files) {
    const appliedSha256 = appliedSha.get(file.name);
    if (appliedSha256 !== undefined && appliedSha256 !== file.sha256) {
      edited.push({ name: file.name, appliedSha256, currentSha256: file.sha256 });
    }
  }
  return {
    pending: files.filter((f) => !onDatabase.has(f.name)).map((f) => f.name),
    edited,
    deleted: db.names.filter((name) => !fileNames.has(name)),
    applied,
    unverified,
    missingFromDatabase: recorded.map((m) => m.name).filter((name) => !onDatabase.has(name)),
    backfill,
  };
}

export function describeEdits(databaseName: string, edited: readonly MigrationEdit[]): string {
  const lines = edited.map(
    (e) =>
      `  ${e.name}: applied with sha256 ${e.appliedSha256.slice(0, 12)}…, file now ${e.currentSha256.slice(0, 12)}…`,
  );
  return [
    `D1 migrations already applied to ${databaseName} were edited since:`,
    ...lines,
    'An applied migration never runs again, so the edit would silently not reach the database. Restore the file',
    '(git checkout -- <file>) and put the change in a new migration file with the next number instead.',
  ].join('\n');
}

export function describeDeleted(databaseName: string, deleted: readonly string[]): string {
  return [
    `D1 migrations applied to ${databaseName} (listed in its d1_migrations table) are no longer in the migrations folder:`,
    ...deleted.map((name) => `  ${name}`),
    'Migration files are history: the database holds what they did, and a new database needs them to get there.',
    'Restore them (git checkout -- <file>); to undo one, add a new migration that reverts it.',
  ].join('\n');
}

/** Plain sentences for the stack's outputs about files whose record is not complete. */
export function describeRecord(status: Pick<MigrationStatus, 'unverified' | 'missingFromDatabase'>): string[] {
  return [
    ...status.unverified.map(
      (name) =>
        `${name} is in d1_migrations without a checksum: it was applied outside this program (wrangler?), so its content is unknown and an edit to it cannot be detected.`,
    ),
    ...status.missingFromDatabase.map(
      (name) =>
        `${name} was recorded as applied but is not in d1_migrations (a Time Travel restore or a hand edit?): the next up applies it again if the file is still there.`,
    ),
  ];
}
