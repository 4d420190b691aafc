import { mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { getByHost } from '../../test/e2e/support/http';
import { PulumiCli, type Toolchain } from '../../test/e2e/support/pulumi-cli';
import { REPO_ROOT } from '../../test/e2e/support/work-copy';
import type { Emulated } from './baseline';
import { timed } from './timing';

export interface PulumiTimes {
  fullUp: number;
  noopUp: number;
  preview: number;
  onePackageUp: number;
  /** Size of `pulumi stack export` right after the full deploy. */
  checkpointBytes: number;
}

/**
 * The engine's own cost: `pulumi preview` of a program that declares nothing, with the same CLI, plugins, language
 * host and backend kind, on a stack of its own.
 */
export async function emptyProgramPreview(scratch: string, toolchain: Toolchain): Promise<number> {
  const dir = join(scratch, 'empty-program');
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'Pulumi.yaml'), 'name: empty-floor\nruntime: nodejs\nmain: index.js\n');
  writeFileSync(join(dir, 'index.js'), "require('@pulumi/pulumi');\n");
  writeFileSync(join(dir, 'package.json'), '{"name":"empty-floor","private":true}\n');
  symlinkSync(join(REPO_ROOT, 'node_modules'), join(dir, 'node_modules'));
  const cli = new PulumiCli(dir, join(scratch, 'empty-state'), toolchain);
  await cli.ok(['stack', 'init', 'floor']);
  return timed('pulumi preview (empty program floor)', () =>
    cli.ok(['preview', '--stack', 'floor']).then(() => undefined),
  );
}

const LOCAL = ['--stack', 'local'];

/**
 * The Pulumi side of one round on an empty stack: full first `up`, then a no-op `up` and a bare `preview` (their
 * order alternates with the round so drift in the machine's load hits both), then a one-line change to io and `up`.
 * Each `up` is checked to have done what it is timed for, so a broken run cannot pass for a fast one.
 */
export async function pulumiRound(
  repoDir: string,
  stateDir: string,
  toolchain: Toolchain,
  emulator: Emulated,
  token: string,
  round: number,
): Promise<PulumiTimes> {
  const cli = new PulumiCli(repoDir, stateDir, toolchain);
  await cli.ok(['stack', 'init', 'local']);
  await cli.ok(['config', 'set', 'cloudflare:baseUrl', emulator.url, ...LOCAL]);
  await cli.ok(['config', 'set', 'create-something:accountId', emulator.accountId, ...LOCAL]);
  await cli.ok(['config', 'set', '--plaintext', 'cloudflare:apiToken', token, ...LOCAL]);

  const up = async (expect: RegExp, why: string) => {
    const result = await cli.ok(['up', '--yes', '--skip-preview', ...LOCAL]);
    if (!expect.test(result.stdout)) {
      throw new Error(`pulumi up did not ${why}; its summary:\n${result.stdout.slice(-3000)}`);
    }
  };
  const fullUp = await timed('pulumi up (full first deploy)', () => up(/\b\d+ created\b/, 'create the stack'));
  await expectSitesServed(emulator.port);
  // The state is part of the product: what one checkpoint of the four apps weighs.
  const checkpointBytes = Buffer.byteLength((await cli.ok(['stack', 'export', ...LOCAL])).stdout);
  const noop = () =>
    timed('pulumi up (no-op)', async () => {
      const result = await cli.ok(['up', '--yes', '--skip-preview', ...LOCAL]);
      if (/\b\d+ (created|updated|replaced|deleted)\b/.test(result.stdout)) {
        throw new Error(`a second pulumi up changed something:\n${result.stdout.slice(-3000)}`);
      }
    });
  const preview = () => timed('pulumi preview (bare)', () => cli.ok(['preview', ...LOCAL]));
  let noopUp: number;
  let previewSeconds: number;
  if (round % 2 === 0) {
    previewSeconds = await preview();
    noopUp = await noop();
  } else {
    noopUp = await noop();
    previewSeconds = await preview();
  }

  const page = join(repoDir, 'packages', 'io', 'src', 'routes', '+page.svelte');
  writeFileSync(page, `${readFileSync(page, 'utf8')}\n<p>bench:e2e change ${round}</p>\n`);
  // local.Command replaces itself when its triggers change: io's build and upload show as `+-2 replaced`.
  const onePackageUp = await timed('pulumi up (io changed)', async () => {
    const result = await cli.ok(['up', '--yes', '--skip-preview', ...LOCAL]);
    const changes = [...result.stdout.matchAll(/\b(\d+) (created|updated|replaced|deleted)\b/g)];
    const total = changes.reduce((sum, match) => sum + Number(match[1]), 0);
    if (total !== 2)
      throw new Error(`pulumi up after one change made ${total} changes:\n${result.stdout.slice(-3000)}`);
  });
  return { fullUp, noopUp, preview: previewSeconds, onePackageUp, checkpointBytes };
}

/** Each of the four sites answers: the timed deploy really built and uploaded them. */
async function expectSitesServed(port: number): Promise<void> {
  for (const pkg of ['space', 'io', 'agency', 'ltd']) {
    const page = await getByHost(port, `createsomething-${pkg}.pages.localhost`);
    if (page.status !== 200) throw new Error(`after the full deploy, ${pkg} answered ${page.status}`);
  }
}

/** The local stack without its Worker: the hand-run baseline deploys no Worker, so both sides do the same work. */
export function withoutWorkers(repoDir: string): void {
  const file = join(repoDir, 'stacks', 'local.ts');
  const source = readFileSync(file, 'utf8');
  const edited = source.replace(/workers:\s*\[[^\]]*\]/, 'workers: []');
  if (edited === source) throw new Error(`cannot find "workers: [...]" in ${file} to turn the Worker off`);
  writeFileSync(file, edited);
}
