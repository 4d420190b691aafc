import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';

/** The studio's cache namespace on a turbo remote cache (TURBO_TEAM): one cache for every stack and machine. */
export const TURBO_TEAM = 'create-something';

export interface TurboCacheServer {
  /** What turbo needs to use it (TURBO_API, TURBO_TEAM, TURBO_TOKEN): pass these to `pulumi up` and `turbo run`. */
  env: { TURBO_API: string; TURBO_TEAM: string; TURBO_TOKEN: string };
  pid: number;
  /** Stops the server (and only it: its own process group). */
  stop(): Promise<void>;
}

/**
 * Starts turborepo-remote-cache (turbo's remote cache protocol, self-hosted) on 127.0.0.1, keeping artifacts in the
 * folder `storageDir`, with a token of its own: what CI's jobs run beside turbo, over a folder GitHub's cache carries
 * from the build job to the deploy jobs (README, "Build cache"), and what the end-to-end tests run. `detached` leaves
 * it running after this process exits (CI: it serves the job's later steps).
 */
export async function startTurboCacheServer(
  rootDir: string,
  storageDir: string,
  { detached = false }: { detached?: boolean } = {},
): Promise<TurboCacheServer> {
  mkdirSync(storageDir, { recursive: true });
  const port = await freePort();
  const token = randomBytes(24).toString('hex');
  const child: ChildProcess = spawn(join(rootDir, 'node_modules', '.bin', 'turborepo-remote-cache'), [], {
    cwd: rootDir,
    env: {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      NODE_ENV: 'production',
      HOST: '127.0.0.1',
      PORT: String(port),
      TURBO_TOKEN: token,
      STORAGE_PROVIDER: 'local',
      STORAGE_PATH: storageDir,
      // Otherwise the path is taken as relative to the system's temporary folder.
      STORAGE_PATH_USE_TMP_FOLDER: 'false',
      LOG_LEVEL: 'warn',
    },
    detached: true,
    stdio: 'ignore',
  });
  const url = `http://127.0.0.1:${port}`;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  await waitUntilUp(url, token, exited);
  if (detached) child.unref();
  return {
    env: { TURBO_API: url, TURBO_TEAM, TURBO_TOKEN: token },
    pid: child.pid as number,
    stop: async () => {
      if (child.exitCode !== null || child.signalCode !== null) return;
      process.kill(-(child.pid as number), 'SIGTERM');
      await exited;
    },
  };
}

async function waitUntilUp(url: string, token: string, exited: Promise<void>): Promise<void> {
  let gone = false;
  void exited.then(() => {
    gone = true;
  });
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline && !gone) {
    try {
      const response = await fetch(`${url}/v8/artifacts/status`, { headers: { authorization: `Bearer ${token}` } });
      if (response.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`turborepo-remote-cache did not answer on ${url} ${gone ? '(it exited)' : 'within 30 s'}`);
}

/** A port nobody listens on now, on 127.0.0.1 (the server takes a port number, not 0). */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      probe.close(() =>
        typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port')),
      );
    });
  });
}
