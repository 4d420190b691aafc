import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';

/** One workspace package's entry in pnpm-lock.yaml. */
export interface LockfileEntry {
  /** Its dependencies and the versions they resolved to, as a stable string: a bump changes it. */
  fingerprint: string;
  /** Workspace packages it depends on (`link:` versions), as paths relative to the package folder. */
  links: string[];
}

const DEPENDENCY_FIELDS = ['dependencies', 'devDependencies', 'optionalDependencies'] as const;

/** Every importer of pnpm-lock.yaml, by package folder relative to the repository root. */
export function readLockfileEntries(rootDir: string): Map<string, LockfileEntry> {
  const path = join(rootDir, 'pnpm-lock.yaml');
  const entries = new Map<string, LockfileEntry>();
  if (!existsSync(path)) return entries;
  const lock = parse(readFileSync(path, 'utf8')) as { importers?: Record<string, Record<string, unknown>> } | null;
  for (const [dir, entry] of Object.entries(lock?.importers ?? {})) {
    const links: string[] = [];
    for (const field of DEPENDENCY_FIELDS) {
      const deps = (entry?.[field] ?? {}) as Record<string, { version?: string }>;
      for (const dep of Object.values(deps)) {
        if (dep?.version?.startsWith('link:')) links.push(dep.version.slice('link:'.length));
      }
    }
    entries.set(dir, { fingerprint: stableStringify(entry), links: links.sort() });
  }
  return entries;
}

function stableStringify(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(stableStringify).join(',')}]`;
  if (value && typeof value === 'object') {
    const record = value as Record<string, unknown>;
    return `{${Object.keys(record)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${stableStringify(record[k])}`)
      .join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}
