import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { DatabaseSync } from 'node:sqlite';

/**
 * What goes wrong with one request:
 * - `drop-after-commit` / `bad-gateway-after-commit` / `hang-after-commit`: the SQL commits, then the connection is
 *   dropped, a 502 comes back, or no answer comes at all: the answer is lost, the change is not.
 * - `drop-before-commit` / `bad-gateway-before-commit`: nothing runs.
 */
export type Fault =
  | 'drop-after-commit'
  | 'bad-gateway-after-commit'
  | 'hang-after-commit'
  | 'drop-before-commit'
  | 'bad-gateway-before-commit';

export interface FakeD1 {
  /** Base URL for the SDK, ending in /client/v4. */
  url: string;
  accountId: string;
  databaseId: string;
  db: DatabaseSync;
  /** The SQL of every /query request received, in order (retries included). */
  queries: string[];
  /** Make the next `times` requests whose SQL matches fail this way. */
  failWhen(match: (sql: string) => boolean, fault: Fault, times?: number): void;
  /** Names in d1_migrations, in apply order. */
  migrations(): string[];
  checksums(): Record<string, string>;
  close(): Promise<void>;
}

/**
 * A small stand-in for the D1 HTTP API on 127.0.0.1, over a real SQLite database: a /query request runs all its
 * statements in one transaction (as D1 does), and faults can be injected after the commit.
 */
export async function startFakeD1(): Promise<FakeD1> {
  const accountId = '0123456789abcdef0123456789abcdef';
  const databaseId = '11111111-2222-4333-8444-555555555555';
  const db = new DatabaseSync(':memory:');
  const queries: string[] = [];
  const faults: Array<{ match: (sql: string) => boolean; fault: Fault; times: number }> = [];
  const hanging = new Set<ServerResponse>();
  let writes = 0;

  const send = (res: ServerResponse, status: number, body: unknown) => {
    res.writeHead(status, { 'content-type': 'application/json' });
    res.end(JSON.stringify(body));
  };
  const run = (sql: string): Record<string, unknown>[] => {
    const trimmed = sql.trim();
    if (/^SELECT\b/i.test(trimmed) && !trimmed.replace(/;\s*$/, '').includes(';')) {
      return db.prepare(trimmed).all() as Record<string, unknown>[];
    }
    db.exec('BEGIN');
    try {
      db.exec(sql);
      db.exec('COMMIT');
    } catch (error) {
      db.exec('ROLLBACK');
      throw error;
    }
    writes++;
    return [];
  };

  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    const base = `/client/v4/accounts/${accountId}/d1/database/${databaseId}`;
    if (req.method === 'GET' && path === `${base}/time_travel/bookmark`) {
      return send(res, 200, { success: true, errors: [], messages: [], result: { bookmark: `bookmark-${writes}` } });
    }
    if (req.method !== 'POST' || path !== `${base}/query`) {
      return send(res, 404, { success: false, errors: [{ code: 7003, message: `no route ${path}` }], result: null });
    }
    const { sql } = JSON.parse(Buffer.concat(chunks).toString('utf8')) as { sql: string };
    queries.push(sql);
    const index = faults.findIndex((f) => f.times > 0 && f.match(sql));
    const fault = index === -1 ? undefined : (faults[index] as (typeof faults)[number]);
    if (fault) fault.times--;
    if (fault?.fault === 'drop-before-commit') return req.socket.destroy();
    if (fault?.fault === 'bad-gateway-before-commit') return badGateway(res);
    let rows: Record<string, unknown>[];
    try {
      rows = run(sql);
    } catch (error) {
      return send(res, 400, {
        success: false,
        errors: [{ code: 7500, message: `${(error as Error).message}: SQLITE_ERROR` }],
        messages: [],
        result: null,
      });
    }
    if (fault?.fault === 'drop-after-commit') return req.socket.destroy();
    if (fault?.fault === 'bad-gateway-after-commit') return badGateway(res);
    if (fault?.fault === 'hang-after-commit') {
      hanging.add(res);
      return;
    }
    send(res, 200, {
      success: true,
      errors: [],
      messages: [],
      result: [{ results: rows, success: true, meta: { changes: 0, duration: 0 } }],
    });
  };

  const server = createServer((req, res) => {
    handle(req, res).catch((error) =>
      send(res, 500, { success: false, errors: [{ code: 1, message: String(error) }] }),
    );
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}/client/v4`,
    accountId,
    databaseId,
    db,
    queries,
    failWhen(match, fault, times = 1) {
      faults.push({ match, fault, times });
    },
    migrations() {
      const table = db.prepare("SELECT 1 FROM sqlite_master WHERE name = 'd1_migrations'").get();
      if (!table) return [];
      return (db.prepare('SELECT name FROM d1_migrations ORDER BY id').all() as { name: string }[]).map((r) => r.name);
    },
    checksums() {
      const table = db.prepare("SELECT 1 FROM sqlite_master WHERE name = 'd1_migrations_checksums'").get();
      if (!table) return {};
      const rows = db.prepare('SELECT name, sha256 FROM d1_migrations_checksums').all() as {
        name: string;
        sha256: string;
      }[];
      return Object.fromEntries(rows.map((r) => [r.name, r.sha256]));
    },
    async close() {
      for (const res of hanging) res.destroy();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      db.close();
    },
  };
}

/** What Cloudflare's edge answers when the origin's answer is lost: an HTML page, not the API's JSON. */
function badGateway(res: ServerResponse) {
  res.writeHead(502, { 'content-type': 'text/html' });
  res.end('<html><body><h1>502 Bad Gateway</h1></body></html>');
}
