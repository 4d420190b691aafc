import { request } from 'node:http';

export interface SiteResponse {
  status: number;
  body: string;
  headers: Record<string, string | string[] | undefined>;
}

/**
 * A request to a site the emulator serves by Host name (`createsomething-space.pages.localhost`). Connects to
 * 127.0.0.1 and sends the Host header itself, since `*.localhost` names need not resolve on this machine.
 */
export function requestByHost(
  port: number,
  host: string,
  path: string,
  { method = 'GET', headers = {}, body }: { method?: string; headers?: Record<string, string>; body?: string } = {},
): Promise<SiteResponse> {
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: '127.0.0.1',
        port,
        path,
        method,
        headers: { host: `${host}:${port}`, accept: 'text/html', ...headers },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () =>
          resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8'), headers: res.headers }),
        );
      },
    );
    req.setTimeout(30_000, () => req.destroy(new Error(`${method} http://${host}${path} timed out`)));
    req.on('error', reject);
    req.end(body);
  });
}

/** GET a site the emulator serves by Host name (see {@link requestByHost}). */
export function getByHost(
  port: number,
  host: string,
  path = '/',
  headers: Record<string, string> = {},
): Promise<SiteResponse> {
  return requestByHost(port, host, path, { headers });
}

/** The Host an emulator URL like `http://createsomething-io.pages.localhost:8787/` names. */
export function hostOf(url: string): string {
  return new URL(url).hostname;
}
