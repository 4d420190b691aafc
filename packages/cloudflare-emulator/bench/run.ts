/**
 * Benchmarks (not tests): `wrangler pages deploy` of a 1,000-file site, first upload and unchanged redeploy, and D1
 * /query latency over 1,000 small queries. Each figure is the median of RUNS repetitions.
 *   pnpm --filter @create-something/cloudflare-emulator bench
 */
import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startEmulator } from '../src/index.ts';

const RUNS = Number(process.env.BENCH_RUNS ?? 3);
const FILES = 1000;
const QUERIES = 1000;
const TOKEN = 'emulator-bench-token-0123456789abcdefghijklmnopqrstuvwxyz';
const WRANGLER = join(dirname(fileURLToPath(import.meta.url)), '..', 'node_modules', 'wrangler', 'bin', 'wrangler.js');

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? (s[m] as number) : ((s[m - 1] as number) + (s[m] as number)) / 2;
};
const percentile = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)] as number;
};

function writeSite(dir: string, salt: string): void {
  rmSync(dir, { recursive: true, force: true });
  for (let i = 0; i < FILES; i++) {
    const sub = join(dir, `section-${i % 20}`);
    mkdirSync(sub, { recursive: true });
    writeFileSync(
      join(sub, `page-${i}.html`),
      `<!doctype html><title>${i}</title><p>page ${i} ${salt}</p>\n`.repeat(4),
    );
  }
}

/** Time one deploy; also return wrangler's "Uploaded N files" count so the unchanged redeploy shows it sent nothing. */
function deploy(url: string, accountId: string, cwd: string): Promise<{ ms: number; uploaded: number }> {
  const started = performance.now();
  return new Promise((resolve, reject) => {
    execFile(
      process.execPath,
      [WRANGLER, 'pages', 'deploy', 'site', '--project-name', 'bench-site', '--branch', 'main'],
      {
        cwd,
        env: {
          PATH: process.env.PATH ?? '',
          HOME: process.env.HOME ?? cwd,
          CLOUDFLARE_API_BASE_URL: url,
          CLOUDFLARE_API_TOKEN: TOKEN,
          CLOUDFLARE_ACCOUNT_ID: accountId,
          WRANGLER_SEND_METRICS: 'false',
          CI: '1',
        },
        maxBuffer: 64 << 20,
      },
      (err, stdout, stderr) =>
        err
          ? reject(new Error(`${stdout}\n${stderr}`))
          : resolve({
              ms: performance.now() - started,
              uploaded: Number(/Uploaded (\d+) files/.exec(stdout)?.[1] ?? -1),
            }),
    );
  });
}

async function main() {
  const dataDir = mkdtempSync(join(tmpdir(), 'cf-emu-bench-'));
  const cwd = mkdtempSync(join(tmpdir(), 'cf-emu-bench-cwd-'));
  const emu = await startEmulator({ port: 0, dataDir });
  const headers = { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' };
  const call = async (method: string, path: string, body?: unknown) => {
    const res = await fetch(`${emu.url}/accounts/${emu.accountId}${path}`, {
      method,
      headers,
      ...(body ? { body: JSON.stringify(body) } : {}),
    });
    return (await res.json()) as { result: unknown };
  };
  try {
    await call('POST', '/pages/projects', { name: 'bench-site', production_branch: 'main' });
    const first: number[] = [];
    const unchanged: number[] = [];
    for (let run = 0; run < RUNS; run++) {
      writeSite(join(cwd, 'site'), `run-${run}-${Date.now()}`);
      const a = await deploy(emu.url, emu.accountId, cwd);
      const b = await deploy(emu.url, emu.accountId, cwd);
      first.push(a.ms);
      unchanged.push(b.ms);
      console.log(
        `pages deploy run ${run + 1}: first ${a.ms.toFixed(0)} ms (uploaded ${a.uploaded} files), unchanged ${b.ms.toFixed(0)} ms (uploaded ${b.uploaded} files)`,
      );
    }

    const db = (await call('POST', '/d1/database', { name: 'bench-db' })).result as { uuid: string };
    await call('POST', `/d1/database/${db.uuid}/query`, { sql: 'CREATE TABLE kv (id INTEGER PRIMARY KEY, v TEXT)' });
    const readP50: number[] = [];
    const readP99: number[] = [];
    const writeP50: number[] = [];
    const writeP99: number[] = [];
    for (let run = 0; run < RUNS; run++) {
      const writes: number[] = [];
      for (let i = 0; i < QUERIES; i++) {
        const t = performance.now();
        await call('POST', `/d1/database/${db.uuid}/query`, {
          sql: 'INSERT INTO kv (v) VALUES (?)',
          params: [`value-${i}`],
        });
        writes.push(performance.now() - t);
      }
      const reads: number[] = [];
      for (let i = 0; i < QUERIES; i++) {
        const t = performance.now();
        await call('POST', `/d1/database/${db.uuid}/query`, {
          sql: 'SELECT v FROM kv WHERE id = ?',
          params: [1 + (i % QUERIES)],
        });
        reads.push(performance.now() - t);
      }
      readP50.push(percentile(reads, 50));
      readP99.push(percentile(reads, 99));
      writeP50.push(percentile(writes, 50));
      writeP99.push(percentile(writes, 99));
      console.log(
        `d1 run ${run + 1}: SELECT p50 ${percentile(reads, 50).toFixed(2)} ms p99 ${percentile(reads, 99).toFixed(2)} ms; INSERT p50 ${percentile(writes, 50).toFixed(2)} ms p99 ${percentile(writes, 99).toFixed(2)} ms`,
      );
    }

    const summary = {
      runs: RUNS,
      pages_deploy_1000_files_first_ms: Math.round(median(first)),
      pages_deploy_1000_files_unchanged_ms: Math.round(median(unchanged)),
      d1_select_p50_ms: Number(median(readP50).toFixed(2)),
      d1_select_p99_ms: Number(median(readP99).toFixed(2)),
      d1_insert_p50_ms: Number(median(writeP50).toFixed(2)),
      d1_insert_p99_ms: Number(median(writeP99).toFixed(2)),
    };
    console.log(JSON.stringify(summary, null, 2));
    if (emu.unknownRoutes.length > 0) console.warn('unknown routes during bench:', emu.unknownRoutes);
  } finally {
    await emu.stop();
    rmSync(dataDir, { recursive: true, force: true });
    rmSync(cwd, { recursive: true, force: true });
  }
}

await main();
