#!/usr/bin/env node
// The build step of a package (its `<name>-build` local.Command, infra/components/pages-deployment.ts), run from the
// repository root: builds the app with Turborepo, or restores its build from turbo's caches, and prints one JSON line
// on stdout, { outputHash, reused }. The build gets an allow-list environment (build-env.mjs: never a Pulumi, GitHub,
// Cloudflare or cache token), runs only when no symlink leads out of the package (tree-guard.mjs), and must have the
// build hash the plan was made with (BUILD_INPUT_HASH, turbo's own hash from the preview's dry run).
//
// Its log goes to turbo's `<package>/.turbo/turbo-build.log`, not to this command's stderr: Pulumi keeps a command's
// whole stderr in the state (6 KB of Vite progress per package, on every build). A failure prints the log's end.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { withBuildLock } from './build-lock.mjs';
import { BuildError, buildWithTurbo } from './turbo-build.mjs';

const packageDir = process.env.PACKAGE_DIR;
const inputHash = process.env.BUILD_INPUT_HASH;
const step = (message) => process.stderr.write(`[build ${packageDir ?? '?'}] ${message}\n`);
const fail = (message) => {
  step(`error: ${message}`);
  process.exit(1);
};
if (!packageDir || !inputHash)
  fail('missing environment: PACKAGE_DIR, BUILD_INPUT_HASH (set by the Pulumi program; run through pulumi up)');
const root = process.cwd();
if (!existsSync(join(root, 'Pulumi.yaml'))) fail(`must run from the repository root (no Pulumi.yaml in ${root})`);

try {
  const started = Date.now();
  const built = await withBuildLock(join(root, packageDir), () =>
    buildWithTurbo({ root, packageDir, inputHash, env: process.env }),
  );
  const seconds = ((Date.now() - started) / 1000).toFixed(1);
  step(
    built.reused
      ? `build ${inputHash} restored from turbo's cache (${seconds} s)`
      : `built ${inputHash} (${seconds} s; log: ${join(packageDir, '.turbo', 'turbo-build.log')})`,
  );
  process.stdout.write(`${JSON.stringify({ outputHash: built.outputHash, reused: built.reused })}\n`);
} catch (error) {
  fail(error instanceof BuildError ? error.message : (error.stack ?? String(error)));
}
