// The part of the pull request comment that is never cut: every pending migration's name (per stack, from its
// `pulumi preview --diff`) and every destructive file among them or named by a refused preview, with each finding's
// line, rule and the file's reason. A 25,000-character cut of a preview must never hide a DROP behind a large seed.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { type DestructiveFinding, destructiveFindings, destructiveReason } from '../../infra/plan/destructive-sql';

const ANSI = new RegExp(`${String.fromCharCode(27)}\\[[0-9;]*m`, 'g');
/** A migration file's name as the provider's `files` input shows it in a diff: `+ name : "0002_tags.sql"`. */
const PENDING_LINE = /^\s*\+\s*name\s*:\s*"([0-9]{4,}_[^"]+\.sql)"/;
/** A destructive-rule refusal from the provider: `0003_drop.sql line 3: drop table: …`. */
const REFUSAL =
  /([0-9]{4,}_[A-Za-z0-9_.-]+\.sql) line \d+: (?:drop table|drop column|rename|table rebuild|delete without where|update without where):/g;

export interface MigrationFile {
  /** Repository-relative path, `packages/ltd/migrations/0003_drop.sql`. */
  path: string;
  name: string;
  sql: string;
}

export interface DestructiveFile {
  path: string;
  findings: DestructiveFinding[];
  /** The file's `-- destructive:` reason; undefined without one (refused on protected stacks). */
  reason?: string;
}

export interface MigrationReport {
  pending: { stack: string; names: string[] }[];
  destructive: DestructiveFile[];
}

/** Pending migration names in one preview, in the order shown, each once. */
export function pendingMigrationNames(preview: string): string[] {
  const names = preview
    .replace(ANSI, '')
    .split('\n')
    .flatMap((line) => PENDING_LINE.exec(line)?.[1] ?? []);
  return [...new Set(names)];
}

/** Names a preview refused for a destructive rule. */
export function refusedMigrationNames(preview: string): string[] {
  return [...new Set([...preview.replace(ANSI, '').matchAll(REFUSAL)].map((m) => m[1] as string))];
}

export function migrationReport(
  previews: readonly { stack: string; output?: string }[],
  files: readonly MigrationFile[],
): MigrationReport {
  const pending = previews.map(({ stack, output }) => ({ stack, names: output ? pendingMigrationNames(output) : [] }));
  const named = new Set([
    ...pending.flatMap((p) => p.names),
    ...previews.flatMap((p) => (p.output ? refusedMigrationNames(p.output) : [])),
  ]);
  const destructive = files
    .filter((f) => named.has(f.name))
    .flatMap((f) => {
      const findings = destructiveFindings(f.sql);
      if (findings.length === 0) return [];
      const reason = destructiveReason(f.sql);
      return [{ path: f.path, findings, ...(reason ? { reason } : {}) }];
    });
  return { pending, destructive };
}

export function renderMigrationReport(report: MigrationReport): string[] {
  const out = ['### Migrations', ''];
  for (const { stack, names } of report.pending) {
    out.push(`**${stack}** pending: ${names.length > 0 ? names.map((n) => `\`${n}\``).join(', ') : 'none'}`);
  }
  out.push('');
  if (report.destructive.length === 0) {
    out.push('No pending migration drops, renames, rebuilds or wipes data.', '');
    return out;
  }
  out.push('**Destructive** (refused on prod without `-- destructive: <reason>`):', '');
  for (const file of report.destructive) {
    const why = file.reason
      ? `reason: ${file.reason.replace(/[\r\n]+/g, ' ')}`
      : '**no reason given: prod refuses it**';
    out.push(`- \`${file.path}\` (${why})`);
    for (const f of file.findings) out.push(`  - line ${f.line}: ${f.rule}: ${f.detail}`);
  }
  out.push('');
  return out;
}

/** Every packages/<pkg>/migrations/*.sql under `root`. */
export function migrationFilesOnDisk(root: string): MigrationFile[] {
  const packages = join(root, 'packages');
  return readdirSync(packages).flatMap((pkg) => {
    const dir = join(packages, pkg, 'migrations');
    if (!existsSync(dir)) return [];
    return readdirSync(dir)
      .filter((name) => name.endsWith('.sql'))
      .sort()
      .map((name) => ({
        path: `packages/${pkg}/migrations/${name}`,
        name,
        sql: readFileSync(join(dir, name), 'utf8'),
      }));
  });
}
