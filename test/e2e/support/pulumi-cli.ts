import { execFile, execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { REPO_ROOT } from './work-copy';

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

/**
 * The real Pulumi CLI with the offline toolchain, a file backend of the test's own and the local-only passphrase,
 * run in a work copy of the repository.
 */
export class PulumiCli {
  readonly env: NodeJS.ProcessEnv;
  /** How many engine runs this CLI made, and every `using pulumi-resource-… from $PATH` line they printed. */
  runs = 0;
  readonly pathPluginWarnings: string[] = [];
  /** Everything every engine run printed (stdout, then stderr), to check what never appears in a log. */
  readonly transcript: string[] = [];

  constructor(
    readonly cwd: string,
    stateDir: string,
    toolchain: Toolchain,
  ) {
    mkdirSync(stateDir, { recursive: true });
    this.env = {
      ...process.env,
      PATH: `${toolchain.bin}:${join(REPO_ROOT, 'node_modules', '.bin')}:${process.env.PATH}`,
      PULUMI_BACKEND_URL: `file://${stateDir}`,
      PULUMI_CONFIG_PASSPHRASE: 'create-something-local',
      PULUMI_SKIP_UPDATE_CHECK: 'true',
      PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION: 'true',
      // Only the plugins installed in the plugin home: a stray pulumi-resource-* on PATH must not be picked up.
      PULUMI_IGNORE_AMBIENT_PLUGINS: 'true',
      // The toolchain's plugin home: upstream's resource plugins are installed there, never put on PATH.
      PULUMI_HOME: toolchain.home,
      WRANGLER_SEND_METRICS: 'false',
      NO_COLOR: '1',
    };
  }

  run(args: string[], timeoutMs = 15 * 60_000): Promise<CliResult> {
    return new Promise((resolve) => {
      execFile(
        'pulumi',
        [...args, '--non-interactive'],
        { cwd: this.cwd, env: this.env, maxBuffer: 256 * 1024 * 1024, timeout: timeoutMs },
        (error, stdout, stderr) => {
          const code = error ? (typeof error.code === 'number' ? error.code : 1) : 0;
          this.runs++;
          this.transcript.push(stdout, stderr);
          this.pathPluginWarnings.push(
            ...`${stdout}\n${stderr}`.split('\n').filter((l) => /using pulumi-\S+ from \$PATH/.test(l)),
          );
          resolve({ code, stdout, stderr });
        },
      );
    });
  }

  /**
   * `stack init` and the config that points the stack at an emulator: its API base URL and account, the token unless
   * the stack is to read it from the environment (`token: undefined`, as CI does), and `secrets` as Pulumi secrets.
   */
  async initStackOnEmulator(
    stack: string,
    emulator: { url: string; accountId: string },
    { token, secrets = {} }: { token: string | undefined; secrets?: Record<string, string> },
  ): Promise<void> {
    const on = ['--stack', stack];
    await this.ok(['stack', 'init', stack]);
    await this.ok(['config', 'set', 'cloudflare:baseUrl', emulator.url, ...on]);
    await this.ok(['config', 'set', 'create-something:accountId', emulator.accountId, ...on]);
    if (token !== undefined) await this.ok(['config', 'set', '--plaintext', 'cloudflare:apiToken', token, ...on]);
    for (const [key, value] of Object.entries(secrets)) await this.ok(['config', 'set', '--secret', key, value, ...on]);
  }

  /** Like run, but a non-zero exit fails with everything the CLI printed. */
  async ok(args: string[]): Promise<CliResult> {
    const result = await this.run(args);
    if (result.code !== 0) {
      throw new Error(
        `pulumi ${args.join(' ')} exited ${result.code}\n${result.stdout.slice(-8000)}\n${result.stderr.slice(-8000)}`,
      );
    }
    return result;
  }
}

/** Where the toolchain script put the engine: `bin` goes first on PATH, `home` is the PULUMI_HOME holding the plugins. */
export interface Toolchain {
  bin: string;
  home: string;
  /** The toolchain script's own account of every binary: version, path, sha256 and where it came from. */
  manifest: ToolchainManifest;
}

export interface ToolchainManifest {
  offlineFolder: string;
  pulumiHome: string;
  binaries: Record<string, { version: string; path: string; sha256: string; source: string }>;
}

/**
 * The toolchain, or why it is not available. Never builds here: building is `.ci/run`'s decision (it measures
 * whether a cold build fits), so a test run without the cache says so instead of stalling.
 */
export function findToolchain(): Toolchain | { missing: string } {
  try {
    const out = execFileSync('bash', [join(REPO_ROOT, 'scripts', 'pulumi-toolchain.sh')], {
      env: { ...process.env, PULUMI_TOOLCHAIN_NO_BUILD: '1' },
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
      timeout: 120_000,
    });
    const bin = out.trim().split('\n').pop() as string;
    const manifest = JSON.parse(readFileSync(join(dirname(bin), 'toolchain.json'), 'utf8')) as ToolchainManifest;
    return { bin, home: manifest.pulumiHome, manifest };
  } catch (error) {
    const stderr = (error as { stderr?: string }).stderr ?? String(error);
    return { missing: stderr.trim().split('\n').slice(-8).join('\n') };
  }
}
