#!/usr/bin/env node
// Uploads one SvelteKit app's build to its Pages project with wrangler. Run by the package's upload resource
// (infra/provider/pages-deployment.ts) from the repository root, after the package's build step; prints the
// deployment as one JSON line on stdout, which the provider turns into outputs. Everything else goes to stderr.
// It sends the output the build step recorded (OUTPUT_HASH): the one on disk when it is that, else the one turbo
// restores from its caches or builds again (another machine, another stack's build in between), without the
// Cloudflare credentials only this upload gets. An output with another hash is never sent.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { withBuildLock } from './build-lock.mjs';
import { withoutCloudflareCredentials } from './credentials.mjs';
import { hashTree } from './output-hash.mjs';
import { irregularEntries } from './tree-guard.mjs';
import { OUTPUT_DIR } from './turbo.mjs';
import { BuildError, buildWithTurbo } from './turbo-build.mjs';

const required = [
  'PACKAGE_DIR',
  'BUILD_INPUT_HASH',
  'OUTPUT_HASH',
  'PROJECT_NAME',
  'BRANCH',
  'CLOUDFLARE_ACCOUNT_ID',
  'CLOUDFLARE_API_TOKEN',
];
const missing = required.filter((name) => !process.env[name]);
if (missing.length > 0)
  fail(`missing environment: ${missing.join(', ')} (set by the Pulumi program; run through pulumi up)`);

const root = process.cwd();
if (!existsSync(join(root, 'Pulumi.yaml'))) fail(`must run from the repository root (no Pulumi.yaml in ${root})`);
const packageDir = resolve(root, process.env.PACKAGE_DIR);
const outputDir = join(packageDir, OUTPUT_DIR);
const expected = process.env.OUTPUT_HASH;
const wrangler = join(root, 'node_modules', '.bin', 'wrangler');

// The lock keeps another stack's build of this package from rewriting the folder while wrangler reads it.
await withBuildLock(packageDir, async () => {
  if (!existsSync(outputDir) || hashTree(outputDir) !== expected) {
    step(`${OUTPUT_DIR} is not the recorded build ${expected.slice(0, 12)}: taking it from turbo`);
    try {
      const built = buildWithTurbo({
        root,
        packageDir: process.env.PACKAGE_DIR,
        inputHash: process.env.BUILD_INPUT_HASH,
        env: withoutCloudflareCredentials(process.env),
      });
      if (built.outputHash !== expected)
        fail(
          `refusing to upload: the build of ${process.env.BUILD_INPUT_HASH} now gives output ${built.outputHash}, not the recorded ${expected} (a build that is not reproducible); run pulumi up again to record the new output`,
        );
    } catch (error) {
      fail(error instanceof BuildError ? error.message : (error.stack ?? String(error)));
    }
  }
  // wrangler follows symlinks: only regular files, exactly the ones hashed.
  const irregular = irregularEntries(outputDir);
  if (irregular.length > 0) fail(`refusing to upload: not regular files in ${outputDir}: ${irregular.join(', ')}`);
  upload();
});

function upload() {
  // Pulumi owns the project's bindings. wrangler sends a Pages wrangler config found in its working directory along
  // with the deployment, which would replace them, so it runs in an empty folder and gets the output dir by path.
  const workDir = mkdtempSync(join(tmpdir(), 'pages-deploy-'));
  const outputFile = join(workDir, 'wrangler-output.ndjson');
  try {
    const args = [
      'pages',
      'deploy',
      outputDir,
      '--project-name',
      process.env.PROJECT_NAME,
      '--branch',
      process.env.BRANCH,
    ];
    args.push(...commitArgs(packageDir));
    step(`uploading to ${process.env.PROJECT_NAME} (branch ${process.env.BRANCH})`);
    run(wrangler, args, {
      cwd: workDir,
      env: { ...process.env, WRANGLER_SEND_METRICS: 'false', WRANGLER_OUTPUT_FILE_PATH: outputFile, CI: 'true' },
    });
    const deployment = readDeployment(outputFile);
    process.stdout.write(`${JSON.stringify(deployment)}\n`);
  } finally {
    rmSync(workDir, { recursive: true, force: true });
  }
}

/** wrangler's structured output: one JSON object per line; the upload writes a `pages-deploy-detailed` entry. */
function readDeployment(file) {
  if (!existsSync(file)) fail('wrangler wrote no structured output; cannot tell which deployment was made');
  const entries = readFileSync(file, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line));
  const detailed = entries.find((e) => e.type === 'pages-deploy-detailed');
  if (!detailed) fail(`wrangler's output has no pages-deploy-detailed entry: ${JSON.stringify(entries)}`);
  return { deploymentId: detailed.deployment_id, url: detailed.url, alias: detailed.alias ?? null };
}

/** Attach the git commit, so the Cloudflare dashboard shows which revision each deployment came from. */
function commitArgs(dir) {
  try {
    const git = (...a) =>
      execFileSync('git', a, { cwd: dir, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
    const hash = git('rev-parse', 'HEAD');
    const message = git('log', '-1', '--format=%s');
    const dirty = git('status', '--porcelain', '--', '.') !== '';
    return ['--commit-hash', hash, '--commit-message', message, `--commit-dirty=${dirty}`];
  } catch {
    return ['--commit-dirty=true'];
  }
}

function run(command, args, options) {
  const result = spawnSync(command, args, { stdio: ['ignore', 2, 2], ...options });
  if (result.error) fail(`could not start ${command}: ${result.error.message}`);
  if (result.status !== 0) fail(`${command} ${args.slice(0, 2).join(' ')} exited with ${result.status}`);
}

// Every line names the package, so a failed run of several packages says which one failed.
function step(message) {
  process.stderr.write(`[upload ${process.env.PACKAGE_DIR ?? '?'}] ${message}\n`);
}

function fail(message) {
  process.stderr.write(`[upload ${process.env.PACKAGE_DIR ?? '?'}] error: ${message}\n`);
  process.exit(1);
}
