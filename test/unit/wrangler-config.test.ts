import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readWranglerConfig, requireCompatibilityDate } from '../../infra/inventory/wrangler-config';
import { runError as refusedWith } from './support/run-error';

const runError = (run: () => unknown) => refusedWith(run, 'the wrangler config');

describe('wrangler config errors', () => {
  it('print the file and the fix, without a stack trace', () => {
    const dir = mkdtempSync(join(tmpdir(), 'wrangler-config-'));
    writeFileSync(join(dir, 'wrangler.jsonc'), '{ "name": "x", }}');
    expect(runError(() => readWranglerConfig(dir))).toBe(
      `${join(dir, 'wrangler.jsonc')} is not valid JSONC (EndOfFileExpected at offset 16). Fix the syntax; \`wrangler types\` shows the same error.`,
    );
    expect(runError(() => requireCompatibilityDate('wrangler.jsonc', { compatibility_date: '2026-1-1' }))).toBe(
      'wrangler.jsonc: compatibility_date is missing or not YYYY-MM-DD. Set it, e.g. "compatibility_date": "2026-11-01".',
    );
    writeFileSync(join(dir, 'wrangler.toml'), 'name = "x"\n');
    expect(runError(() => readWranglerConfig(dir))).toBe(
      `${join(dir, 'wrangler.toml')}: only wrangler.jsonc / wrangler.json are read by the infra program. Convert it (same keys, JSON syntax).`,
    );
    rmSync(dir, { recursive: true, force: true });
  });
});
