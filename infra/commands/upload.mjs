#!/usr/bin/env node
// Uploads one SvelteKit app's build to its Pages project with wrangler. Run by the package's upload `local.Command`
// (infra/components/pages-deployment.ts) from the repository root, after the package's build command; prints the
// deployment as one JSON line on stdout, which the component turns into outputs. Everything else goes to stderr.
// The output comes from the build cache (build.mjs), keyed by the build-input hash: when it is not there (another
// machine, a pruned cache), build.mjs runs first, without the Cloudflare credentials only this upload gets.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { cachedBuild, hashTree } from './build-cache.mjs';
import { withoutCloudflareCredentials } from './credentials.mjs';
import { irregularEntries } from './tree-guard.mjs';

const required = [
  'PACKAGE_DIR',
  'BUILD_INPUT_HASH',
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
const cached = cachedBuild(process.env.PACKAGE_DIR, process.env.BUILD_INPUT_HASH);
const outputDir = join(cached, 'out');
const wrangler = join(root, 'node_modules', '.bin', 'wrangler');

if (!existsSync(join(cached, 'complete'))) {
  step('the build for these inputs is not in the build cache: building it first');
  run('node', [join(root, 'infra', 'commands', 'build.mjs')], { env: withoutCloudflareCredentials(process.env) });
}

// Only regular files, and exactly the ones the build hashed: wrangler follows symlinks, and the output hash is what the
// preview showed and the state records.
const irregular = irregularEntries(outputDir);
if (irregular.length > 0)
  fail(
    `refusing to upload: not regular files in ${outputDir}: ${irregular.join(', ')} (remove the cache entry ${cached} and deploy again)`,
  );
const recorded = readFileSync(join(cached, 'output-hash'), 'utf8');
if (hashTree(outputDir) !== recorded)
  fail(
    `refusing to upload: ${outputDir} no longer has the output hash ${recorded} it was built with (remove ${cached} and deploy again)`,
  );

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
