import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';

/**
 * Each workspace package's entry in pnpm-lock.yaml (its dependencies and the versions they resolved to), as a
 * stable string per package folder. A dependency bump changes the package's entry, and so its source hash.
 */
export function readLockfileEntries(rootDir: string): Map<string, string> {
  const path = join(rootDir, 'pnpm-lock.yaml');
  const entries = new Map<string, string>();
  if (!existsSync(path)) return entries;
  const lock = parse(readFileSync(path, 'utf8')) as { importers?: Record<string, unknown> } | null;
  for (const [dir, entry] of Object.entries(lock?.importers ?? {})) entries.set(dir, stableStringify(entry));
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
