import { copyFileSync, existsSync, mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DatabaseSync, type SQLInputValue } from 'node:sqlite';
import { CfError } from '../envelope.ts';
import { splitSql } from './split-sql.ts';

export interface StatementResult {
  columns: string[];
  rows: unknown[][];
  meta: QueryMeta;
}

export interface QueryMeta {
  changed_db: boolean;
  changes: number;
  duration: number;
  last_row_id: number;
  rows_read: number;
  rows_written: number;
  size_after: number;
  served_by: string;
  served_by_region: string;
  served_by_primary: boolean;
  timings: { sql_duration_ms: number };
}

/** One point on a database's write timeline: state after `seq` mutating requests. */
interface TimelineEntry {
  seq: number;
  at: number;
  /** Its copy was deleted to bound disk use; the bookmark can no longer be restored. */
  pruned?: boolean;
}

/** Copies kept per database (Cloudflare keeps 30 days; an emulator keeps the most recent writes). */
export const KEPT_SNAPSHOTS = 500;

/**
 * A D1 database as a real SQLite file, plus an honest Time Travel timeline: after every request that changes the
 * database (rows or schema), a consistent copy is taken with VACUUM INTO. A bookmark names one of those copies, so
 * restoring really puts the database back to that state.
 */
export class D1File {
  private db: DatabaseSync;
  private readonly dir: string;
  private timeline: TimelineEntry[];
  private readonly hexId: string;

  constructor(root: string, uuid: string) {
    this.dir = join(root, uuid);
    this.hexId = uuid.replaceAll('-', '');
    mkdirSync(join(this.dir, 'snapshots'), { recursive: true });
    this.db = this.open();
    const tl = join(this.dir, 'timeline.json');
    if (existsSync(tl)) {
      this.timeline = JSON.parse(readFileSync(tl, 'utf8')) as TimelineEntry[];
    } else {
      this.timeline = [];
      this.recordWrite();
    }
  }

  private get file(): string {
    return join(this.dir, 'db.sqlite');
  }

  private open(): DatabaseSync {
    const db = new DatabaseSync(this.file);
    db.exec('PRAGMA journal_mode = WAL; PRAGMA foreign_keys = ON;');
    return db;
  }

  close(): void {
    if (this.db.isOpen) this.db.close();
  }

  destroy(): void {
    this.close();
    rmSync(this.dir, { recursive: true, force: true });
  }

  /** Number of user tables, for the database info Cloudflare reports. */
  numTables(): number {
    const row = this.db
      .prepare(
        "SELECT count(*) AS n FROM sqlite_master WHERE type='table' AND name NOT LIKE 'sqlite_%' AND name NOT LIKE '_cf_%'",
      )
      .get() as { n: number };
    return row.n;
  }

  fileSize(): number {
    try {
      const main = statSync(this.file).size;
      const wal = existsSync(`${this.file}-wal`) ? statSync(`${this.file}-wal`).size : 0;
      return main + wal;
    } catch {
      return 0;
    }
  }

  /** Run one or more statements joined by semicolons; params bind to a single statement. */
  execute(sql: string, params: unknown[] = []): StatementResult[] {
    const statements = splitSql(sql);
    if (statements.length === 0)
      throw new CfError(400, 7500, 'No SQL statements found in "sql": send at least one statement.');
    if (statements.length > 1 && params.length > 0) {
      throw new CfError(
        400,
        7500,
        `"params" bind to a single statement, but "sql" holds ${statements.length}: send one statement per query when using params.`,
      );
    }
    return this.batch(statements.map((text) => ({ sql: text, params })));
  }

  /**
   * Run statements in order, atomically (like D1's batch): if one fails, none applies. SQL that manages its own
   * transaction (BEGIN/COMMIT/SAVEPOINT) runs as written instead.
   */
  batch(statements: Array<{ sql: string; params: unknown[] }>): StatementResult[] {
    const before = this.changeMarker();
    const ownTransaction = statements.some((st) => /^\s*(BEGIN|COMMIT|END|ROLLBACK|SAVEPOINT|RELEASE)\b/i.test(st.sql));
    const wrap = !ownTransaction && !this.db.isTransaction;
    const results: StatementResult[] = [];
    try {
      if (wrap) this.db.exec('BEGIN');
      for (const st of statements) results.push(this.runOne(st.sql, st.params));
      if (wrap) this.db.exec('COMMIT');
    } catch (e) {
      if (wrap && this.db.isTransaction) this.db.exec('ROLLBACK');
      throw e;
    } finally {
      if (this.changeMarker() !== before) this.recordWrite();
    }
    return results;
  }

  private runOne(text: string, params: unknown[]): StatementResult {
    const started = performance.now();
    const before = this.changeMarker();
    let stmt: ReturnType<DatabaseSync['prepare']>;
    try {
      stmt = this.db.prepare(text);
    } catch (e) {
      throw new CfError(400, 7500, `${(e as Error).message}: SQLITE_ERROR (in statement: ${text.slice(0, 120)})`);
    }
    const bound = params.map(toSqlite);
    const columns = stmt.columns().map((c) => c.name);
    let rows: unknown[][] = [];
    let changes = 0;
    let lastRowId = 0;
    try {
      if (columns.length > 0) {
        stmt.setReturnArrays(true);
        rows = (stmt.all(...bound) as unknown as unknown[][]).map((r) => r.map(fromSqlite));
      } else {
        const r = stmt.run(...bound);
        changes = Number(r.changes);
        lastRowId = Number(r.lastInsertRowid);
      }
    } catch (e) {
      const msg = (e as Error).message;
      throw new CfError(400, 7500, `${msg}: SQLITE_ERROR`);
    }
    const duration = performance.now() - started;
    const changedDb = this.changeMarker() !== before;
    return {
      columns,
      rows,
      meta: {
        changed_db: changedDb,
        changes,
        duration,
        last_row_id: lastRowId,
        rows_read: rows.length,
        rows_written: changes,
        size_after: this.fileSize(),
        served_by: 'cloudflare-emulator',
        served_by_region: 'LOCAL',
        served_by_primary: true,
        timings: { sql_duration_ms: duration },
      },
    };
  }

  /** Changes to rows show in total_changes(); schema changes in schema_version. */
  private changeMarker(): string {
    const row = this.db.prepare('SELECT total_changes() AS c').get() as { c: number };
    const sv = this.db.prepare('PRAGMA schema_version').get() as { schema_version: number };
    return `${row.c}:${sv.schema_version}`;
  }

  private recordWrite(): void {
    const seq = this.timeline.length === 0 ? 0 : (this.timeline.at(-1) as TimelineEntry).seq + 1;
    const snap = join(this.dir, 'snapshots', `${seq}.sqlite`);
    rmSync(snap, { force: true });
    this.db.exec(`VACUUM INTO '${snap.replaceAll("'", "''")}'`);
    this.timeline.push({ seq, at: Date.now() });
    const live = this.timeline.filter((e) => !e.pruned);
    for (const old of live.slice(0, Math.max(0, live.length - KEPT_SNAPSHOTS))) {
      rmSync(join(this.dir, 'snapshots', `${old.seq}.sqlite`), { force: true });
      old.pruned = true;
    }
    writeFileSync(join(this.dir, 'timeline.json'), JSON.stringify(this.timeline));
  }

  private expired(entry: TimelineEntry): CfError {
    return new CfError(
      400,
      7500,
      `Bookmark ${this.bookmarkFor(entry.seq)} is older than the ${KEPT_SNAPSHOTS} most recent writes the emulator keeps: pick a later point.`,
    );
  }

  currentBookmark(): string {
    return this.bookmarkFor((this.timeline.at(-1) as TimelineEntry).seq);
  }

  private bookmarkFor(seq: number): string {
    return `${seq.toString(16).padStart(8, '0')}-00000000-00000000-${this.hexId}`;
  }

  /** The bookmark naming the database as it was at `timestamp` (ms): the last write at or before it. */
  bookmarkAt(timestamp: number): string {
    const first = this.timeline[0] as TimelineEntry;
    if (timestamp < first.at) {
      throw new CfError(
        400,
        7500,
        `Timestamp ${new Date(timestamp).toISOString()} is before the database was created (${new Date(first.at).toISOString()}): pick a later time.`,
      );
    }
    let pick = first;
    for (const e of this.timeline) if (e.at <= timestamp) pick = e;
    if (pick.pruned) throw this.expired(pick);
    return this.bookmarkFor(pick.seq);
  }

  private parseBookmark(bookmark: string): TimelineEntry {
    const m = /^([0-9a-f]{8})-[0-9a-f]{8}-[0-9a-f]{8}-([0-9a-f]{32})$/.exec(bookmark);
    const seq = m ? Number.parseInt(m[1] as string, 16) : -1;
    const entry = this.timeline.find((e) => e.seq === seq);
    if (!m || m[2] !== this.hexId || !entry) {
      throw new CfError(
        400,
        7500,
        `Bookmark "${bookmark}" does not belong to this database: get one from GET …/time_travel/bookmark.`,
      );
    }
    if (entry.pruned) throw this.expired(entry);
    return entry;
  }

  /** Put the database back to a bookmark; the restore itself is a new point on the timeline, so it can be undone. */
  restore(bookmark: string): { bookmark: string; previous_bookmark: string } {
    const entry = this.parseBookmark(bookmark);
    const previous = this.currentBookmark();
    this.close();
    for (const suffix of ['-wal', '-shm']) rmSync(`${this.file}${suffix}`, { force: true });
    copyFileSync(join(this.dir, 'snapshots', `${entry.seq}.sqlite`), this.file);
    this.db = this.open();
    this.recordWrite();
    // `bookmark` names the state restored to; `previous_bookmark` undoes the restore.
    return { bookmark, previous_bookmark: previous };
  }
}

function toSqlite(v: unknown): SQLInputValue {
  if (v === null || v === undefined) return null;
  if (typeof v === 'boolean') return v ? 1 : 0;
  if (typeof v === 'number' || typeof v === 'string' || typeof v === 'bigint') return v;
  if (Array.isArray(v)) return Uint8Array.from(v as number[]);
  if (typeof v === 'object' && Array.isArray((v as { $bytes?: unknown }).$bytes)) {
    return Uint8Array.from((v as { $bytes: number[] }).$bytes);
  }
  if (v instanceof Uint8Array) return v;
  return JSON.stringify(v);
}

function fromSqlite(v: unknown): unknown {
  if (v instanceof Uint8Array) return Array.from(v);
  if (typeof v === 'bigint') return Number(v);
  return v;
}
