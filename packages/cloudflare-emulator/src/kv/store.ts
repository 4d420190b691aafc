import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { CfError } from '../envelope.ts';
import type { StateStore } from '../store/state.ts';
import type { KvNamespaceMeta } from './types.ts';

export interface KvEntry {
  value: Uint8Array;
  expiration: number | null;
  metadata: unknown;
}

export interface KvPutOptions {
  expiration?: number | undefined;
  expirationTtl?: number | undefined;
  metadata?: unknown;
}

export interface KvListed {
  name: string;
  expiration?: number;
  metadata?: unknown;
}

const nowSeconds = () => Math.floor(Date.now() / 1000);

/**
 * KV values for every namespace in one SQLite file (<dataDir>/kv.sqlite). The API and the bindings of served
 * sites and Workers both read and write here, so a value put through the API is what a site sees.
 */
export class KvStore {
  private readonly db: DatabaseSync;
  private readonly state: StateStore;

  constructor(state: StateStore, dataDir: string) {
    this.state = state;
    this.db = new DatabaseSync(join(dataDir, 'kv.sqlite'));
    this.db.exec(`PRAGMA journal_mode = WAL;
      CREATE TABLE IF NOT EXISTS kv (ns TEXT NOT NULL, key TEXT NOT NULL, value BLOB NOT NULL,
        expiration INTEGER, metadata TEXT, PRIMARY KEY (ns, key)) WITHOUT ROWID;`);
  }

  close(): void {
    if (this.db.isOpen) this.db.close();
  }

  namespaces(): KvNamespaceMeta[] {
    return Object.values(this.state.doc.kv);
  }

  namespace(id: string): KvNamespaceMeta {
    const ns = this.state.doc.kv[id];
    if (!ns)
      throw new CfError(
        404,
        10013,
        `namespace not found: no KV namespace with id ${id}; list them with GET …/storage/kv/namespaces.`,
      );
    return ns;
  }

  dropNamespace(id: string): void {
    this.db.prepare('DELETE FROM kv WHERE ns = ?').run(id);
    delete this.state.doc.kv[id];
    this.state.save();
  }

  validateKey(key: string): void {
    if (key === '') throw new CfError(400, 10019, 'Key names must not be empty.');
    if (Buffer.byteLength(key) > 512)
      throw new CfError(414, 10019, 'Key names are limited to 512 bytes: shorten the key.');
  }

  put(ns: string, key: string, value: Uint8Array, opts: KvPutOptions = {}): void {
    this.validateKey(key);
    let expiration: number | null = null;
    if (opts.expiration !== undefined && Number.isFinite(opts.expiration)) expiration = Math.floor(opts.expiration);
    if (opts.expirationTtl !== undefined && Number.isFinite(opts.expirationTtl)) {
      if (opts.expirationTtl < 60)
        throw new CfError(
          400,
          10031,
          `Invalid expiration_ttl of ${opts.expirationTtl}. Expiration TTL must be at least 60.`,
        );
      expiration = nowSeconds() + Math.floor(opts.expirationTtl);
    }
    if (expiration !== null && expiration < nowSeconds() + 60) {
      throw new CfError(
        400,
        10030,
        `Invalid expiration of ${expiration}. Expiration times must be at least 60 seconds in the future.`,
      );
    }
    const metadata = opts.metadata === undefined || opts.metadata === null ? null : JSON.stringify(opts.metadata);
    this.db
      .prepare('INSERT OR REPLACE INTO kv (ns, key, value, expiration, metadata) VALUES (?, ?, ?, ?, ?)')
      .run(ns, key, value, expiration, metadata);
  }

  get(ns: string, key: string): KvEntry | undefined {
    const row = this.db
      .prepare(
        'SELECT value, expiration, metadata FROM kv WHERE ns = ? AND key = ? AND (expiration IS NULL OR expiration > ?)',
      )
      .get(ns, key, nowSeconds()) as
      | { value: Uint8Array; expiration: number | null; metadata: string | null }
      | undefined;
    if (!row) return undefined;
    return {
      value: row.value,
      expiration: row.expiration,
      metadata: row.metadata === null ? null : JSON.parse(row.metadata),
    };
  }

  delete(ns: string, key: string): void {
    this.db.prepare('DELETE FROM kv WHERE ns = ? AND key = ?').run(ns, key);
  }

  /** Keys in byte order after the cursor (the last key of the previous page, base64url-encoded). */
  list(ns: string, prefix: string, limit: number, cursor: string | undefined): { keys: KvListed[]; cursor: string } {
    const after = cursor ? Buffer.from(cursor, 'base64url').toString('utf8') : '';
    const rows = this.db
      .prepare(
        `SELECT key, expiration, metadata FROM kv WHERE ns = ? AND key > ? AND substr(key, 1, ?) = ?
         AND (expiration IS NULL OR expiration > ?) ORDER BY key LIMIT ?`,
      )
      .all(ns, after, prefix.length, prefix, nowSeconds(), limit + 1) as Array<{
      key: string;
      expiration: number | null;
      metadata: string | null;
    }>;
    const more = rows.length > limit;
    const page = rows.slice(0, limit);
    const keys = page.map((r) => {
      const k: KvListed = { name: r.key };
      if (r.expiration !== null) k.expiration = r.expiration;
      if (r.metadata !== null) k.metadata = JSON.parse(r.metadata);
      return k;
    });
    const last = page.at(-1);
    return { keys, cursor: more && last ? Buffer.from(last.key, 'utf8').toString('base64url') : '' };
  }
}
