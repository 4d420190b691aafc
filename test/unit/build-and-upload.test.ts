import { execFileSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';

const SCRIPT = join(__dirname, '..', '..', 'infra', 'commands', 'build-and-upload.mjs');

/**
 * A repository root the upload script accepts: Pulumi.yaml, one package whose build records the environment it ran
 * with, and a wrangler stand-in on node_modules/.bin that records its own environment and reports a deployment the
 * way wrangler's structured output does. The real wrangler is exercised by the end-to-end tier.
 */
function fakeRepo(): string {
  const root = mkdtempSync(join(tmpdir(), 'build-and-upload-'));
  writeFileSync(join(root, 'Pulumi.yaml'), 'name: fake\nruntime: nodejs\n');
  const pkg = join(root, 'packages', 'site');
  mkdirSync(pkg, { recursive: true });
  writeFileSync(
    join(pkg, 'package.json'),
    JSON.stringify({ name: 'site', private: true, scripts: { build: 'node build.cjs' } }),
  );
  writeFileSync(
    join(pkg, 'build.cjs'),
    `const fs = require('node:fs');
fs.mkdirSync('.svelte-kit/cloudflare', { recursive: true });
fs.writeFileSync('.svelte-kit/cloudflare/index.html', 'hello');
fs.writeFileSync(${JSON.stringify(join(root, 'build-env.json'))}, JSON.stringify(process.env));
`,
  );
  const bin = join(root, 'node_modules', '.bin');
  mkdirSync(bin, { recursive: true });
  writeFileSync(
    join(bin, 'wrangler'),
    `#!/usr/bin/env node
const fs = require('node:fs');
fs.writeFileSync(${JSON.stringify(join(root, 'wrangler-env.json'))}, JSON.stringify(process.env));
fs.writeFileSync(process.env.WRANGLER_OUTPUT_FILE_PATH, JSON.stringify({ type: 'pages-deploy-detailed', deployment_id: 'd-1', url: 'https://d-1.site.pages.dev', alias: null }) + '\\n');
`,
  );
  chmodSync(join(bin, 'wrangler'), 0o755);
  return root;
}

describe('build-and-upload: only wrangler sees the Cloudflare credentials', () => {
  let root: string | undefined;
  afterEach(() => {
    if (root) rmSync(root, { recursive: true, force: true });
  });

  it('builds without CLOUDFLARE_* in the environment, uploads with them, and prints the deployment', () => {
    root = fakeRepo();
    const stdout = execFileSync('node', [SCRIPT], {
      cwd: root,
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
      env: {
        ...process.env,
        PACKAGE_DIR: 'packages/site',
        PROJECT_NAME: 'site',
        BRANCH: 'main',
        CLOUDFLARE_ACCOUNT_ID: 'c5e11ad0c0ffee00000000000000cafe',
        CLOUDFLARE_API_TOKEN: 'secret-token-that-the-build-must-not-see-0000',
        CLOUDFLARE_API_BASE_URL: 'http://127.0.0.1:1/client/v4',
        CF_API_TOKEN: 'legacy-name-also-hidden',
      },
    });
    const buildEnv = JSON.parse(readFileSync(join(root, 'build-env.json'), 'utf8')) as Record<string, string>;
    const wranglerEnv = JSON.parse(readFileSync(join(root, 'wrangler-env.json'), 'utf8')) as Record<string, string>;
    expect(Object.keys(buildEnv).filter((k) => /^(CLOUDFLARE|CF)_/.test(k))).toEqual([]);
    expect(JSON.stringify(buildEnv)).not.toContain('secret-token-that-the-build-must-not-see');
    expect(buildEnv.PACKAGE_DIR).toBe('packages/site');
    expect(wranglerEnv.CLOUDFLARE_API_TOKEN).toBe('secret-token-that-the-build-must-not-see-0000');
    expect(wranglerEnv.CLOUDFLARE_ACCOUNT_ID).toBe('c5e11ad0c0ffee00000000000000cafe');
    expect(JSON.parse(stdout.trim().split('\n').pop() as string)).toEqual({
      deploymentId: 'd-1',
      url: 'https://d-1.site.pages.dev',
      alias: null,
    });
  });
});
