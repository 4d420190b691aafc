import { execFileSync, spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';

const SCRIPT = join(__dirname, '..', '..', 'scripts', 'pulumi-toolchain.sh');
const PULUMI_VERSION = /github.com\/pulumi\/pulumi\/pkg\/v3 v([0-9.]+)/.exec(
  readFileSync(join(__dirname, '..', '..', 'toolchain', 'pulumi', 'go.mod'), 'utf8'),
)?.[1] as string;
const pins = JSON.parse(readFileSync(join(__dirname, '..', '..', 'package.json'), 'utf8')).dependencies as Record<
  string,
  string
>;

/**
 * The decision logic of scripts/pulumi-toolchain.sh, on a machine of its own: an empty cache, a `pulumi` on PATH at
 * the pinned version (a shell stand-in that implements `version` and `plugin install --file` the way the CLI lays
 * plugins out) and an offline folder of fake "binaries". The real CLI and plugins are exercised by the e2e tier.
 */
function machine() {
  const dir = mkdtempSync(join(tmpdir(), 'toolchain-script-'));
  const path = join(dir, 'path');
  mkdirSync(path);
  writeFileSync(
    join(path, 'pulumi'),
    `#!/bin/sh
case "$1" in
  version) echo v${PULUMI_VERSION} ;;
  plugin) mkdir -p "$PULUMI_HOME/plugins/resource-$4-v$5" && cp "$7" "$PULUMI_HOME/plugins/resource-$4-v$5/pulumi-resource-$4" && chmod +x "$PULUMI_HOME/plugins/resource-$4-v$5/pulumi-resource-$4" ;;
esac
`,
  );
  chmodSync(join(path, 'pulumi'), 0o755);
  const offline = join(dir, 'offline');
  mkdirSync(offline);
  const sums: string[] = [];
  const add = (name: string, version: string, body: string) => {
    const base = `${name}-v${version}-linux-amd64`;
    writeFileSync(join(offline, base), `#!/bin/sh\necho v${version}\n# ${body}\n`);
    execFileSync('xz', ['-k', join(offline, base)]);
    for (const file of [base, `${base}.xz`]) {
      const sum = execFileSync('sha256sum', [join(offline, file)], { encoding: 'utf8' }).split(' ')[0];
      sums.push(`${sum}  ${file}`);
    }
    rmSync(join(offline, base));
  };
  add('pulumi-language-nodejs', '3.259.0', 'host');
  add('pulumi-resource-cloudflare', pins['@pulumi/cloudflare'] as string, 'cloudflare');
  add('pulumi-resource-command', pins['@pulumi/command'] as string, 'command');
  writeFileSync(join(offline, 'SHA256SUMS'), `${sums.join('\n')}\n`);
  const run = (env: Record<string, string> = {}) =>
    spawnSync('bash', [SCRIPT], {
      encoding: 'utf8',
      env: {
        ...process.env,
        PATH: `${path}:${process.env.PATH}`,
        HOME: join(dir, 'home'),
        PULUMI_TOOLCHAIN_CACHE: join(dir, 'cache'),
        PULUMI_OFFLINE_PLUGINS: offline,
        PULUMI_TOOLCHAIN_SKIP_INSTALLER: 'true',
        ...env,
      },
    });
  return { dir, offline, run };
}

describe('scripts/pulumi-toolchain.sh', () => {
  let dir: string | undefined;
  afterEach(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it("installs the offline folder's plugins into its own PULUMI_HOME, none on PATH, and records where each came from", () => {
    const m = machine();
    dir = m.dir;
    const result = m.run();
    expect(result.status, result.stderr).toBe(0);
    const bin = result.stdout.trim().split('\n').pop() as string;
    const manifest = JSON.parse(readFileSync(join(bin, '..', 'toolchain.json'), 'utf8'));
    const cloudflare = manifest.binaries['pulumi-resource-cloudflare'];
    expect(cloudflare.path).toBe(
      join(
        manifest.pulumiHome,
        'plugins',
        `resource-cloudflare-v${pins['@pulumi/cloudflare']}`,
        'pulumi-resource-cloudflare',
      ),
    );
    expect(cloudflare.source).toMatch(/^offline folder: /);
    expect(manifest.binaries['pulumi-language-nodejs'].path).toBe(join(bin, 'pulumi-language-nodejs'));
    expect(existsSync(join(bin, 'pulumi-resource-cloudflare'))).toBe(false);
    expect(existsSync(join(bin, 'pulumi-resource-command'))).toBe(false);
    // A second run finds everything in place and keeps the account of where it came from.
    const again = m.run();
    expect(again.status, again.stderr).toBe(0);
    expect(JSON.parse(readFileSync(join(bin, '..', 'toolchain.json'), 'utf8'))).toEqual(manifest);
  });

  it('refuses a binary whose sha256 is not the one SHA256SUMS lists, and installs nothing', () => {
    const m = machine();
    dir = m.dir;
    const sums = join(m.offline, 'SHA256SUMS');
    writeFileSync(
      sums,
      readFileSync(sums, 'utf8').replace(/^[0-9a-f]{64}(?=\s+pulumi-resource-cloudflare-.*\.xz$)/m, '0'.repeat(64)),
    );
    const result = m.run();
    expect(result.status).not.toBe(0);
    expect(result.stderr).toMatch(
      /pulumi-resource-cloudflare-v[0-9.]+-linux-amd64\.xz has sha256 [0-9a-f]{64} but SHA256SUMS says 0{64}/,
    );
    const home = join(
      m.dir,
      'cache',
      `pulumi-${PULUMI_VERSION}_cloudflare-${pins['@pulumi/cloudflare']}_command-${pins['@pulumi/command']}`,
      'home',
    );
    expect(existsSync(join(home, 'plugins', `resource-cloudflare-v${pins['@pulumi/cloudflare']}`))).toBe(false);
    expect(result.stdout).toBe('');
  });

  it('names each missing binary and the three ways to provide it when no source has them', () => {
    const m = machine();
    dir = m.dir;
    const empty = join(m.dir, 'empty');
    mkdirSync(empty);
    const result = m.run({ PULUMI_OFFLINE_PLUGINS: empty });
    expect(result.status).not.toBe(0);
    expect(result.stderr).toContain(`missing: pulumi-resource-cloudflare v${pins['@pulumi/cloudflare']}`);
    expect(result.stderr).toContain(`missing: pulumi-resource-command v${pins['@pulumi/command']}`);
    expect(result.stderr).toContain('missing: pulumi-language-nodejs');
    expect(result.stderr).toMatch(
      /1\. install them yourself[\s\S]*2\. run this where the internet is reachable[\s\S]*3\. point PULUMI_OFFLINE_PLUGINS/,
    );
  });
});
