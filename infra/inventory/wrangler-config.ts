import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { RunError } from '@pulumi/pulumi';
import { type ParseError, parse, printParseErrorCode } from 'jsonc-parser';

/** The part of a wrangler config the inventory reads. */
export interface WranglerConfig {
  name?: string;
  main?: string;
  pages_build_output_dir?: string;
  compatibility_date?: string;
  compatibility_flags?: string[];
  d1_databases?: { binding: string }[];
  kv_namespaces?: { binding: string }[];
  browser?: { binding: string };
  vars?: Record<string, string>;
  [key: string]: unknown;
}

const JSON_CONFIG_FILES = ['wrangler.jsonc', 'wrangler.json'];

/** Reads `wrangler.jsonc` / `wrangler.json` in `dir`; undefined when there is none. */
export function readWranglerConfig(dir: string): { path: string; config: WranglerConfig } | undefined {
  if (existsSync(join(dir, 'wrangler.toml'))) {
    throw new RunError(
      `${join(dir, 'wrangler.toml')}: only wrangler.jsonc / wrangler.json are read by the infra program. Convert it (same keys, JSON syntax).`,
    );
  }
  for (const file of JSON_CONFIG_FILES) {
    const path = join(dir, file);
    if (!existsSync(path)) continue;
    const errors: ParseError[] = [];
    const config = parse(readFileSync(path, 'utf8'), errors, { allowTrailingComma: true });
    if (errors.length > 0 || typeof config !== 'object' || config === null) {
      const first = errors[0];
      const where = first ? ` (${printParseErrorCode(first.error)} at offset ${first.offset})` : '';
      throw new RunError(
        `${path} is not valid JSONC${where}. Fix the syntax; \`wrangler types\` shows the same error.`,
      );
    }
    return { path, config: config as WranglerConfig };
  }
  return undefined;
}

export function requireCompatibilityDate(path: string, config: WranglerConfig): string {
  const date = config.compatibility_date;
  if (typeof date !== 'string' || !/^\d{4}-\d{2}-\d{2}$/.test(date)) {
    throw new RunError(
      `${path}: compatibility_date is missing or not YYYY-MM-DD. Set it, e.g. "compatibility_date": "2026-11-01".`,
    );
  }
  return date;
}
