import { execFile, execFileSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
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

  constructor(
    readonly cwd: string,
    stateDir: string,
    toolchainBin: string,
  ) {
    mkdirSync(stateDir, { recursive: true });
    this.env = {
      ...process.env,
      PATH: `${toolchainBin}:${join(REPO_ROOT, 'node_modules', '.bin')}:${process.env.PATH}`,
      PULUMI_BACKEND_URL: `file://${stateDir}`,
      PULUMI_CONFIG_PASSPHRASE: 'create-something-local',
      PULUMI_SKIP_UPDATE_CHECK: 'true',
      PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION: 'true',
      // The program is type-checked by `pnpm typecheck`; checking it on every engine run only costs time.
      PULUMI_NODEJS_TRANSPILE_ONLY: 'true',
      PULUMI_HOME: join(stateDir, '.pulumi-home'),
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
          resolve({ code, stdout, stderr });
        },
      );
    });
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

/**
 * The toolchain's bin folder, or why it is not available. Never builds here: building is `.ci/run`'s decision
 * (it measures whether a cold build fits), so a test run without the cache says so instead of stalling for an hour.
 */
export function findToolchain(): { bin: string } | { missing: string } {
  // An explicit folder (a toolchain installed elsewhere) wins over the build cache.
  if (process.env.PULUMI_TOOLCHAIN_BIN) return { bin: process.env.PULUMI_TOOLCHAIN_BIN };
  try {
    const out = execFileSync('bash', [join(REPO_ROOT, 'scripts', 'pulumi-toolchain.sh')], {
      env: { ...process.env, PULUMI_TOOLCHAIN_NO_BUILD: '1' },
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
      timeout: 60_000,
    });
    return { bin: out.trim().split('\n').pop() as string };
  } catch (error) {
    const stderr = (error as { stderr?: string }).stderr ?? String(error);
    return { missing: stderr.trim().split('\n').slice(-3).join(' ') };
  }
}
