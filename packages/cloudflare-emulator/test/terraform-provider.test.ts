import { execFile, execFileSync } from 'node:child_process';
import { cpSync, existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { account, api, fetchSite, type Harness, PACKAGE_DIR, startHarness, TOKEN, tempDir } from './helpers.ts';

/**
 * The Terraform provider the Pulumi provider wraps (terraform-provider-cloudflare v5.19.1), driven by the terraform
 * CLI. Needs a provider binary built from that release: set CLOUDFLARE_TF_PROVIDER_DIR to the directory holding
 * `terraform-provider-cloudflare`, and `terraform` on PATH.
 */
const providerDir = process.env.CLOUDFLARE_TF_PROVIDER_DIR ?? '';
const terraformOnPath = (() => {
  try {
    execFileSync('terraform', ['version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
})();
const available =
  terraformOnPath && providerDir !== '' && existsSync(join(providerDir, 'terraform-provider-cloudflare'));
if (!available) {
  console.warn(
    'SKIPPED Terraform provider conformance: no terraform-provider-cloudflare v5.19.1 binary (set CLOUDFLARE_TF_PROVIDER_DIR to its directory and put terraform on PATH; this repository cannot build it offline).',
  );
}

function terraform(cwd: string, h: Harness, args: string[]): Promise<{ code: number; out: string }> {
  return new Promise((resolve) => {
    execFile(
      'terraform',
      [...args, '-no-color', '-input=false', `-var=account_id=${h.emu.accountId}`],
      {
        cwd,
        env: {
          PATH: process.env.PATH ?? '',
          HOME: process.env.HOME ?? cwd,
          TF_CLI_CONFIG_FILE: join(cwd, 'tf.rc'),
          TF_IN_AUTOMATION: '1',
          CLOUDFLARE_BASE_URL: h.emu.url,
          CLOUDFLARE_API_TOKEN: TOKEN,
        },
        maxBuffer: 64 << 20,
        timeout: 300_000,
      },
      (error, stdout, stderr) =>
        resolve({ code: error ? (typeof error.code === 'number' ? error.code : 1) : 0, out: `${stdout}\n${stderr}` }),
    );
  });
}

describe.runIf(available)('terraform-provider-cloudflare against the emulator', () => {
  let h: Harness;
  let cwd: string;

  beforeAll(async () => {
    h = await startHarness('terraform');
    cwd = tempDir('terraform-cwd');
    cpSync(join(PACKAGE_DIR, 'test', 'fixtures', 'terraform', 'main.tf'), join(cwd, 'main.tf'));
    writeFileSync(
      join(cwd, 'tf.rc'),
      `provider_installation {\n  dev_overrides {\n    "cloudflare/cloudflare" = "${providerDir}"\n  }\n  direct {}\n}\n`,
    );
  });
  afterAll(async () => {
    expect(h.emu.unknownRoutes).toEqual([]);
    await h.close();
    rmSync(cwd, { recursive: true, force: true });
  });

  it('apply creates D1, KV, a Pages project and a Worker; a plan right after shows no changes', async () => {
    const applied = await terraform(cwd, h, ['apply', '-auto-approve']);
    expect(applied.code, applied.out).toBe(0);
    const plan = await terraform(cwd, h, ['plan', '-detailed-exitcode']);
    expect(plan.code, plan.out).toBe(0);
    expect(plan.out).toContain('No changes.');
    const worker = await fetchSite(h.emu, 'tf-worker.workers.localhost', '/');
    expect(JSON.parse(worker.body)).toEqual({ one: 1, plain: 'hello' });
    const project = await api<{ deployment_configs: { production: { d1_databases: unknown } } }>(
      h.emu,
      'GET',
      `${account(h.emu)}/pages/projects/tf-site`,
    );
    expect(Object.keys(project.body.result.deployment_configs.production.d1_databases as object)).toEqual(['DB']);
  });

  it('removing a binding updates the project (null/empty-map PATCH) and converges', async () => {
    const file = join(cwd, 'main.tf');
    const source = readFileSync(file, 'utf8');
    const previewKv =
      '      kv_namespaces       = { KV = { namespace_id = cloudflare_workers_kv_namespace.kv.id } }\n    }\n  }\n}';
    expect(source).toContain(previewKv);
    writeFileSync(file, source.replace(previewKv, '    }\n  }\n}'));
    const applied = await terraform(cwd, h, ['apply', '-auto-approve']);
    expect(applied.code, applied.out).toBe(0);
    const project = await api<{ deployment_configs: { preview: Record<string, unknown> } }>(
      h.emu,
      'GET',
      `${account(h.emu)}/pages/projects/tf-site`,
    );
    expect(project.body.result.deployment_configs.preview.kv_namespaces).toBeUndefined();
    const plan = await terraform(cwd, h, ['plan', '-detailed-exitcode']);
    expect(plan.code, plan.out).toBe(0);
  });

  it('survives an emulator restart with no drift, then destroys cleanly', async () => {
    await h.restart();
    const plan = await terraform(cwd, h, ['plan', '-detailed-exitcode']);
    expect(plan.code, plan.out).toBe(0);
    const destroyed = await terraform(cwd, h, ['destroy', '-auto-approve']);
    expect(destroyed.code, destroyed.out).toBe(0);
    expect((await api<unknown[]>(h.emu, 'GET', `${account(h.emu)}/pages/projects`)).body.result).toEqual([]);
    expect((await api<unknown[]>(h.emu, 'GET', `${account(h.emu)}/d1/database`)).body.result).toEqual([]);
  });
});
