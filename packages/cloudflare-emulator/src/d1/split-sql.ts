import type { Sqlite3Static } from '@sqlite.org/sqlite-wasm';

/** One statement of a SQL text, as D1 splits "several statements joined by semicolons". */
export interface SqlStatement {
  /** The statement as written, leading comments included, up to (not including) its `;`, trimmed. */
  text: string;
  /** From its first token on: what D1's statement length limit measures. */
  body: string;
  /** 1-based line of its first token. */
  line: number;
  /** Its first keyword, upper-cased ('' when it starts with something else). */
  keyword: string;
}

// Where a statement ends is SQLite's decision, not ours: `sqlite3_complete()` (the check the sqlite3 shell uses to
// know a statement is finished) answers it with SQLite's own tokenizer, which knows strings, quoted identifiers,
// comments and the BEGIN … END body of CREATE TRIGGER. node:sqlite does not expose that function, so it comes from
// SQLite's official WebAssembly build; the emulator does not reimplement (or share) a tokenizer of its own.
let sqlite: Sqlite3Static | undefined;

/**
 * Load SQLite's WebAssembly build (about 0.2 s, once per process). `startEmulator` awaits it; anything else that
 * splits SQL must too. Loaded lazily with a dynamic import so CommonJS callers (tsx scripts) can load the emulator.
 */
export async function loadSqliteTokenizer(): Promise<void> {
  if (sqlite) return;
  const { default: init } = await import('@sqlite.org/sqlite-wasm');
  sqlite = await init();
}

function loaded(): Sqlite3Static {
  if (!sqlite) throw new Error('SQLite is not loaded: await loadSqliteTokenizer() first (startEmulator does).');
  return sqlite;
}

/** SQLite's own whitespace and comments before a statement's first token (a BOM is not whitespace to SQLite). */
const LEADING_TRIVIA = /^(?:[ \t\n\f\r]+|--[^\n]*(?:\n|$)|\/\*[\s\S]*?(?:\*\/|$))*/;
const SQLITE_WHITESPACE_AT_ENDS = /^[ \t\n\f\r]+|[ \t\n\f\r]+$/g;
const SEMICOLON = 0x3b;

/**
 * Split a SQL text into single statements where SQLite says one is complete: a piece ends at the first `;` after
 * which `sqlite3_complete` holds for the piece. Comment-only pieces are dropped; text after the last complete
 * statement (unterminated, or an unclosed string or comment) is one last statement, as SQLite would try to run it.
 *
 * The text is copied into SQLite's memory once as UTF-8; each candidate `;` is tried by ending the C string right
 * after it, so a long statement with many semicolons in its strings costs SQLite's scan, not a copy, per candidate.
 */
export function splitSqlStatements(sql: string): SqlStatement[] {
  const { capi, wasm } = loaded();
  const bytes = Buffer.from(sql, 'utf8');
  const base = wasm.alloc(bytes.length + 1) as number;
  const out: SqlStatement[] = [];
  try {
    wasm.heap8u().set(bytes, base);
    wasm.heap8u()[base + bytes.length] = 0;
    let pieceStart = 0;
    let lineOfPiece = 1;
    const push = (end: number) => {
      const piece = bytes.subarray(pieceStart, end).toString('utf8');
      const trivia = (LEADING_TRIVIA.exec(piece) as RegExpExecArray)[0];
      if (trivia.length < piece.length) {
        const body = piece.slice(trivia.length).replace(/[ \t\n\f\r]+$/, '');
        out.push({
          text: piece.replace(SQLITE_WHITESPACE_AT_ENDS, ''),
          body,
          line: lineOfPiece + newlines(trivia),
          keyword: /^[A-Za-z_]+/.exec(body)?.[0].toUpperCase() ?? '',
        });
      }
      lineOfPiece += newlines(piece);
      pieceStart = end + 1;
    };
    for (let at = bytes.indexOf(SEMICOLON); at !== -1; at = bytes.indexOf(SEMICOLON, at + 1)) {
      const heap = wasm.heap8u();
      const after = base + at + 1;
      const saved = heap[after] as number;
      heap[after] = 0;
      const complete = capi.sqlite3_complete(base + pieceStart) === 1;
      wasm.heap8u()[after] = saved;
      if (complete) push(at);
    }
    if (pieceStart < bytes.length) push(bytes.length);
  } finally {
    wasm.dealloc(base);
  }
  return out;
}

/** The statements' text, leading comments included (what the emulator runs one by one). */
export function splitSql(sql: string): string[] {
  return splitSqlStatements(sql).map((s) => s.text);
}

function newlines(text: string): number {
  let n = 0;
  for (let k = text.indexOf('\n'); k !== -1; k = text.indexOf('\n', k + 1)) n++;
  return n;
}
