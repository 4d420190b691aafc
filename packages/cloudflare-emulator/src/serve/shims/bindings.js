// Runs inside workerd, next to the deployed code. (R2, queues, rate limiters and service bindings are Miniflare's own
// and arrive in env as they are.) D1 and KV bindings talk to the emulator process through the
// __EMULATOR service binding, so sites read and write exactly the storage the REST API serves.

async function call(backend, path, init) {
  const res = await backend.fetch(`http://emulator${path}`, init);
  if (res.status >= 400) {
    const text = await res.text();
    let message = text;
    try {
      message = JSON.parse(text).error ?? text;
    } catch {}
    throw new Error(message);
  }
  return res;
}

class D1PreparedStatement {
  constructor(db, sql, params = []) {
    this.db = db;
    this.sql = sql;
    this.params = params;
  }
  bind(...params) {
    return new D1PreparedStatement(this.db, this.sql, params);
  }
  async all() {
    return (await this.db._run([this], 'objects'))[0];
  }
  async run() {
    return this.all();
  }
  async first(column) {
    const { results } = await this.all();
    const row = results[0];
    if (row === undefined) return null;
    if (column === undefined) return row;
    if (!(column in row)) throw new Error(`D1_COLUMN_NOTFOUND: Column not found (${column})`);
    return row[column];
  }
  async raw(options = {}) {
    const [r] = await this.db._run([this], 'raw');
    return options.columnNames ? [r.columns, ...r.rows] : r.rows;
  }
}

class D1Database {
  constructor(backend, id) {
    this._backend = backend;
    this._id = id;
  }
  prepare(sql) {
    return new D1PreparedStatement(this, sql);
  }
  async batch(statements) {
    return this._run(statements, 'objects');
  }
  async exec(sql) {
    const res = await call(this._backend, `/d1/${this._id}/exec`, { method: 'POST', body: JSON.stringify({ sql }) });
    return res.json();
  }
  withSession() {
    return Object.assign(Object.create(this), { getBookmark: () => null });
  }
  async dump() {
    throw new Error('D1 dump() is not supported by the emulator: export with the REST API instead.');
  }
  async _run(statements, shape) {
    const body = JSON.stringify({
      shape,
      statements: statements.map((s) => ({ sql: s.sql, params: s.params.map(encodeParam) })),
    });
    const res = await call(this._backend, `/d1/${this._id}/batch`, { method: 'POST', body });
    return res.json();
  }
}

function encodeParam(v) {
  if (v instanceof ArrayBuffer) return { $bytes: [...new Uint8Array(v)] };
  if (ArrayBuffer.isView(v)) return { $bytes: [...new Uint8Array(v.buffer, v.byteOffset, v.byteLength)] };
  if (v === undefined) throw new Error('D1_TYPE_ERROR: Type undefined is not supported as a bound parameter');
  return v;
}

async function toBytes(value) {
  if (typeof value === 'string') return new TextEncoder().encode(value);
  if (value instanceof ArrayBuffer) return new Uint8Array(value);
  if (ArrayBuffer.isView(value)) return new Uint8Array(value.buffer, value.byteOffset, value.byteLength);
  if (value instanceof ReadableStream) return new Uint8Array(await new Response(value).arrayBuffer());
  throw new TypeError('KV put() accepts a string, ArrayBuffer, ArrayBufferView or ReadableStream');
}

function decode(res, type) {
  switch (type ?? 'text') {
    case 'text':
      return res.text();
    case 'json':
      return res.json();
    case 'arrayBuffer':
      return res.arrayBuffer();
    case 'stream':
      return res.body;
    default:
      throw new TypeError(`Unknown KV response type "${type}"`);
  }
}

class KVNamespace {
  constructor(backend, id) {
    this._backend = backend;
    this._id = id;
  }
  _path(key) {
    return `/kv/${this._id}/${encodeURIComponent(key)}`;
  }
  async get(key, options) {
    return (await this.getWithMetadata(key, options)).value;
  }
  async getWithMetadata(key, options) {
    if (Array.isArray(key)) throw new Error('Bulk KV get is not supported by the emulator.');
    const type = typeof options === 'string' ? options : options?.type;
    const res = await this._backend.fetch(`http://emulator${this._path(key)}`);
    if (res.status === 404) {
      await res.arrayBuffer();
      return { value: null, metadata: null, cacheStatus: null };
    }
    const metadata = JSON.parse(res.headers.get('x-kv-metadata') ?? 'null');
    return { value: await decode(res, type), metadata, cacheStatus: null };
  }
  async put(key, value, options = {}) {
    const q = new URLSearchParams();
    if (options.expiration !== undefined) q.set('expiration', String(options.expiration));
    if (options.expirationTtl !== undefined) q.set('expiration_ttl', String(options.expirationTtl));
    const headers = options.metadata === undefined ? {} : { 'x-kv-metadata': JSON.stringify(options.metadata) };
    const res = await call(this._backend, `${this._path(key)}?${q}`, {
      method: 'PUT',
      body: await toBytes(value),
      headers,
    });
    await res.arrayBuffer();
  }
  async delete(key) {
    const res = await call(this._backend, this._path(key), { method: 'DELETE' });
    await res.arrayBuffer();
  }
  async list(options = {}) {
    const q = new URLSearchParams();
    if (options.prefix) q.set('prefix', options.prefix);
    if (options.limit) q.set('limit', String(options.limit));
    if (options.cursor) q.set('cursor', options.cursor);
    const res = await call(this._backend, `/kv/${this._id}?${q}`);
    return res.json();
  }
}

class Assets {
  constructor(backend, deploymentId) {
    this._backend = backend;
    this._deploymentId = deploymentId;
  }
  async fetch(input, init) {
    const request = new Request(input, init);
    const url = new URL(request.url);
    return this._backend.fetch(`http://emulator/assets/${this._deploymentId}${url.pathname}${url.search}`, {
      method: request.method,
      headers: request.headers,
    });
  }
}

class BrowserUnavailable {
  async fetch() {
    return new Response('Browser Rendering is not emulated locally.', { status: 501 });
  }
}

// Workers AI runs only on Cloudflare: the binding exists so code that holds it starts, and every call says it is not
// emulated (a 503 for fetch-style use, a thrown error for run()).
class AiUnavailable {
  async run() {
    throw new Error('Workers AI is not emulated locally (503): the binding exists, its models do not.');
  }
  async fetch() {
    return new Response('Workers AI is not emulated locally.', { status: 503 });
  }
}

/** Build the env the deployed code sees from the binding plan the emulator wrote into the entry module. */
export function buildEnv(env, plan) {
  const backend = env.__EMULATOR;
  const out = { ...env };
  delete out.__EMULATOR;
  for (const [name, b] of Object.entries(plan)) {
    if (b.type === 'd1') out[name] = new D1Database(backend, b.id);
    else if (b.type === 'kv') out[name] = new KVNamespace(backend, b.id);
    else if (b.type === 'assets') out[name] = new Assets(backend, b.deployment);
    else if (b.type === 'browser') out[name] = new BrowserUnavailable();
    else if (b.type === 'ai') out[name] = new AiUnavailable();
    else if (b.type === 'value') out[name] = b.value;
  }
  return out;
}
