/**
 * Which D1 migration files still need applying. Pure and dependency-free on purpose: the D1 migrations dynamic
 * provider is serialized into the Pulumi state with everything it references.
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

export interface MigrationStatus {
  /** Files to apply, in order. */
  pending: string[];
  /** Applied files whose content has since changed: an error, never a silent skip. */
  edited: MigrationEdit[];
}

/**
 * @param files the migration files now in the repo, in apply order
 * @param recorded what this stack applied before, with the content hash it applied
 * @param appliedOnDatabase names in the database's `d1_migrations` table (also covers files applied by hand with
 *   wrangler, whose content is unknown and so cannot be checked)
 */
export function migrationStatus(
  files: readonly MigrationFingerprint[],
  recorded: readonly MigrationFingerprint[],
  appliedOnDatabase: readonly string[],
): MigrationStatus {
  const recordedByName = new Map(recorded.map((m) => [m.name, m.sha256]));
  const applied = new Set([...recordedByName.keys(), ...appliedOnDatabase]);
  const edited: MigrationEdit[] = [];
  for (const file of files) {
    const appliedSha256 = recordedByName.get(file.name);
    if (appliedSha256 !== undefined && appliedSha256 !== file.sha256) {
      edited.push({ name: file.name, appliedSha256, currentSha256: file.sha256 });
    }
  }
  return { pending: files.filter((f) => !applied.has(f.name)).map((f) => f.name), edited };
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

/** wrangler records migrations as `<4 digits>_<words>.sql`; anything else would be skipped by `wrangler d1 migrations`. */
export const MIGRATION_FILE_PATTERN = /^[0-9]{4,}_[A-Za-z0-9_.-]+\.sql$/;
