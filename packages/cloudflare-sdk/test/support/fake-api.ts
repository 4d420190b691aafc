// A small stand-in for the Cloudflare API on 127.0.0.1: the envelope, auth, pagination and the handful of
// KV / D1 / Pages routes the package uses, with every request recorded so tests can check what the SDK sent.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export const TOKEN = 'test-token-0123456789abcdefghijklmnopqrstuvwxyz';
export const ACCOUNT = '0123456789abcdef0123456789abcdef';

export interface RecordedRequest {
  method: string;
  path: string;
  query: URLSearchParams;
  headers: IncomingMessage['headers'];
  body: Buffer;
}

export interface Reply {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
  /** Never answer (to exercise timeouts). */
  hang?: boolean;
}

export interface D1Row {
  uuid: string;
  name: string;
  created_at?: string;
}

export interface KvEntry {
  value: Buffer;
  metadata?: unknown;
  expiration?: number;
}

export interface QueryResult {
  results: unknown[];
  success: boolean;
  meta: Record<string, unknown>;
}

type Override = { method: string; path: RegExp; reply: (req: RecordedRequest) => Reply | undefined };

export function envelope(result: unknown, result_info?: unknown) {
  return { success: true, errors: [], messages: [], result, ...(result_info ? { result_info } : {}) };
}

export function failure(status: number, code: number, message: string): Reply {
  return { status, body: { success: false, errors: [{ code, message }], messages: [], result: null } };
}

function pageOf<T>(all: T[], query: URLSearchParams, defaultPerPage: number) {
  const page = Number(query.get('page') ?? 1);
  const perPage = Number(query.get('per_page') ?? defaultPerPage);
  const items = all.slice((page - 1) * perPage, page * perPage);
  return envelope(items, {
    page,
    per_page: perPage,
    count: items.length,
    total_count: all.length,
    total_pages: Math.max(1, Math.ceil(all.length / perPage)),
  });
}

export class FakeCloudflareApi {
  readonly requests: RecordedRequest[] = [];
  d1: D1Row[] = [];
  kv = new Map<string, { title: string; entries: Map<string, KvEntry> }>();
  projects: { name: string; subdomain: string }[] = [];
  deployments = new Map<string, { id: string; created_on: string; environment: string; url: string }[]>();
  /** Answers D1 queries; tests replace it. */
  onQuery: (uuid: string, sql: string, params: unknown[]) => QueryResult[] = () => [
    { results: [], success: true, meta: {} },
  ];
  /** When set, every page-based list ignores `page` and returns everything (a broken server). */
  ignorePaging = false;
  private overrides: Override[] = [];
  private server: Server | undefined;
  url = '';

  async start(): Promise<this> {
    this.server = createServer((req, res) => {
      this.handle(req, res).catch((error: unknown) => {
        res.writeHead(500, { 'content-type': 'application/json' });
        res.end(JSON.stringify(failure(500, 1, String(error)).body));
      });
    });
    await new Promise<void>((resolve) => this.server?.listen(0, '127.0.0.1', resolve));
    const { port } = this.server.address() as AddressInfo;
    this.url = `http://127.0.0.1:${port}/client/v4`;
    return this;
  }

  async stop(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise<void>((resolve) => this.server?.close(() => resolve()));
  }

  reset(): void {
    this.requests.length = 0;
    this.d1 = [];
    this.kv = new Map();
    this.projects = [];
    this.deployments = new Map();
    this.overrides = [];
    this.ignorePaging = false;
    this.onQuery = () => [{ results: [], success: true, meta: {} }];
  }

  /** Answer matching requests with `reply` (return undefined from it to fall through to the normal route). */
  override(method: string, path: RegExp, reply: Reply | ((req: RecordedRequest) => Reply | undefined)): void {
    this.overrides.push({ method, path, reply: typeof reply === 'function' ? reply : () => reply });
  }

  /** Requests after the base URL and account prefix, as "GET /d1/database?page=1". */
  calls(): string[] {
    const prefix = `/client/v4/accounts/${ACCOUNT}`;
    return this.requests.map((r) => {
      const q = r.query.toString();
      return `${r.method} ${r.path.replace(prefix, '')}${q ? `?${q}` : ''}`;
    });
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const recorded: RecordedRequest = {
      method: req.method ?? 'GET',
      path: url.pathname,
      query: url.searchParams,
      headers: req.headers,
      body: Buffer.concat(chunks),
    };
    this.requests.push(recorded);

    const reply =
      (await this.route(recorded)) ?? failure(404, 7000, `No route for ${recorded.method} ${recorded.path}`);
    if (reply.hang) return;
    const binary = Buffer.isBuffer(reply.body);
    res.writeHead(reply.status, {
      'content-type': binary ? 'application/octet-stream' : 'application/json',
      ...reply.headers,
    });
    res.end(binary ? reply.body : JSON.stringify(reply.body));
  }

  private async route(req: RecordedRequest): Promise<Reply | undefined> {
    for (const o of this.overrides) {
      if (o.method === req.method && o.path.test(req.path)) {
        const reply = o.reply(req);
        if (reply) return reply;
      }
    }
    if (req.headers.authorization !== `Bearer ${TOKEN}`) return failure(401, 10000, 'Authentication error');
    const prefix = `/client/v4/accounts/${ACCOUNT}/`;
    if (!req.path.startsWith(prefix)) return failure(403, 10000, 'Authentication error');
    const rest = req.path.slice(prefix.length).split('/').map(decodeURIComponent);
    const m = req.method;
    const q = this.ignorePaging ? new URLSearchParams({ per_page: '100000' }) : req.query;

    // D1
    if (rest[0] === 'd1' && rest[1] === 'database') {
      const [, , id, action] = rest;
      if (id === undefined && m === 'GET') {
        const name = req.query.get('name');
        // Like the real filter, a search rather than an exact match.
        const hits = name ? this.d1.filter((d) => d.name.includes(name)) : this.d1;
        return { status: 200, body: pageOf(hits, q, 1000) };
      }
      const db = this.d1.find((d) => d.uuid === id);
      if (!db) return failure(404, 7404, `The database ${id} could not be found`);
      if (action === undefined && m === 'GET') return { status: 200, body: envelope({ ...db, num_tables: 1 }) };
      if (action === 'query' && m === 'POST') {
        const { sql, params } = JSON.parse(req.body.toString('utf8')) as { sql: string; params?: unknown[] };
        return { status: 200, body: envelope(this.onQuery(db.uuid, sql, params ?? [])) };
      }
    }

    // KV
    if (rest[0] === 'storage' && rest[1] === 'kv' && rest[2] === 'namespaces') {
      const [, , , id, what, key] = rest;
      if (id === undefined && m === 'GET') {
        const all = [...this.kv].map(([nid, ns]) => ({ id: nid, title: ns.title, supports_url_encoding: true }));
        return { status: 200, body: pageOf(all, q, 20) };
      }
      const ns = id === undefined ? undefined : this.kv.get(id);
      if (!ns || id === undefined) return failure(404, 10013, 'namespace not found');
      if (what === undefined && m === 'GET') return { status: 200, body: envelope({ id, title: ns.title }) };
      if (what === 'keys' && m === 'GET') return { status: 200, body: this.listKeys(ns.entries, req.query) };
      if (what === 'values' && key !== undefined) return this.value(ns.entries, key, req);
    }

    // Pages
    if (rest[0] === 'pages' && rest[1] === 'projects') {
      const [, , name, what] = rest;
      if (name === undefined && m === 'GET') return { status: 200, body: pageOf(this.projects, q, 10) };
      const project = this.projects.find((p) => p.name === name);
      if (!project || name === undefined) {
        return failure(
          404,
          8000007,
          'Project not found. The specified project name does not match any of your existing projects.',
        );
      }
      if (what === undefined && m === 'GET') return { status: 200, body: envelope(project) };
      if (what === 'deployments' && m === 'GET') {
        const env = req.query.get('env');
        const all = (this.deployments.get(name) ?? []).filter((d) => !env || d.environment === env);
        return { status: 200, body: pageOf(all, q, 25) };
      }
    }
    return undefined;
  }

  private listKeys(entries: Map<string, KvEntry>, query: URLSearchParams) {
    const prefix = query.get('prefix') ?? '';
    const limit = Number(query.get('limit') ?? 1000);
    const start = Number(query.get('cursor') ?? 0);
    const names = [...entries.keys()].filter((k) => k.startsWith(prefix)).sort();
    const slice = names.slice(start, start + limit).map((name) => {
      const e = entries.get(name) as KvEntry;
      return {
        name,
        ...(e.expiration ? { expiration: e.expiration } : {}),
        ...(e.metadata ? { metadata: e.metadata } : {}),
      };
    });
    const next = start + limit < names.length ? String(start + limit) : '';
    return envelope(slice, { count: slice.length, cursor: next });
  }

  private async value(entries: Map<string, KvEntry>, key: string, req: RecordedRequest): Promise<Reply> {
    if (req.method === 'GET') {
      const entry = entries.get(key);
      return entry ? { status: 200, body: entry.value } : failure(404, 10009, "get: 'key not found'");
    }
    if (req.method === 'DELETE') {
      entries.delete(key);
      return { status: 200, body: envelope(null) };
    }
    if (req.method === 'PUT') {
      const form = await parseMultipart(req);
      const value = form.get('value');
      if (value === null) return failure(400, 10011, 'could not parse request body: no value part');
      const metadata = form.get('metadata');
      const ttl = req.query.get('expiration_ttl');
      entries.set(key, {
        value: typeof value === 'string' ? Buffer.from(value) : Buffer.from(await value.arrayBuffer()),
        ...(typeof metadata === 'string' ? { metadata: JSON.parse(metadata) } : {}),
        ...(ttl ? { expiration: Math.floor(Date.now() / 1000) + Number(ttl) } : {}),
      });
      return { status: 200, body: envelope({}) };
    }
    return failure(405, 10000, `method ${req.method} not allowed`);
  }
}

/** Parses a multipart/form-data body the way the real API would (Node's fetch Request does the work). */
export async function parseMultipart(req: RecordedRequest): Promise<FormData> {
  const request = new Request('http://127.0.0.1/', {
    method: 'POST',
    headers: { 'content-type': String(req.headers['content-type']) },
    body: new Uint8Array(req.body),
  });
  return request.formData();
}
