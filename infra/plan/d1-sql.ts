/**
 * D1's own rules for the SQL of a migration file, checked before anything is sent. Pure: the destructive-migration
 * check (destructive-sql.ts) reads files with it and the provider plugin (infra/provider/d1-migrations.ts) applies
 * by it, so both cut a file into the same statements.
 *
 * Limits, from Cloudflare's D1 limits page https://developers.cloudflare.com/d1/platform/limits/ (revision of
 * 21 April 2026):
 * - "Maximum SQL statement length: 100,000 bytes (100 KB)", which "applies to each statement inside a batch".
 * - The page publishes no maximum size for one request to the D1 HTTP API (`/query`, `/raw`). The tightest published
 *   bound on any request through Cloudflare is the request body limit of the Free and Pro plans, 100 MB
 *   (https://developers.cloudflare.com/workers/platform/limits/#request-limits), so that is the request limit used
 *   here, in decimal bytes to err on the small side. The same page's "Maximum SQL query duration: 30 seconds" also
 *   applies to a whole request, and is usually what a large seed meets first; it cannot be checked before running.
 */

export interface D1Limits {
  /** Bytes (UTF-8) of one SQL statement, from its first token to the end of its text. */
  maxStatementBytes: number;
  /** Bytes of the JSON body of one `/query` request. */
  maxRequestBytes: number;
}

export const D1_LIMITS: D1Limits = { maxStatementBytes: 100_000, maxRequestBytes: 100_000_000 };

/** Statements D1 refuses: it runs every request as one transaction of its own. */
export const TRANSACTION_KEYWORDS = ['BEGIN', 'COMMIT', 'END', 'ROLLBACK', 'SAVEPOINT', 'RELEASE'];

export interface SqlStatement {
  /** The statement from its first token up to (not including) its `;`, trailing whitespace trimmed. */
  text: string;
  /** 1-based line of its first token. */
  line: number;
  /** 1-based line where the statement's text ends. */
  endLine: number;
  /** Its first keyword, upper-cased; '' when it starts with something else. */
  keyword: string;
}

export interface SqlScan {
  statements: SqlStatement[];
  /** Whether the last statement is closed by a `;` (so more SQL can be appended after it). */
  terminated: boolean;
  /** A string, quoted identifier or block comment that never closes, which swallows everything after it. */
  unterminated?: { what: string; line: number };
}

/**
 * Splits SQL into statements on the semicolons SQLite would end them at: not inside `--` or block comments, string
 * literals ('…', with '' as an escaped quote), quoted identifiers ("…", `…`, […]), or the BEGIN … END body of a
 * CREATE TRIGGER (whose END is the first token of a statement inside the body, so `CASE … END` and columns named
 * `end` do not close it).
 */
export function scanSql(sql: string): SqlScan {
  const statements: SqlStatement[] = [];
  let unterminated: SqlScan['unterminated'];
  let line = 1;
  let i = 0;
  let start = -1;
  let startLine = 0;
  let words: string[] = [];
  let inBody = false;
  let bodyDone = false;
  let bodyStatementStart = false;
  let previous = '';
  let terminated = true;

  const token = (kind: string, at: number) => {
    if (start < 0) {
      start = at;
      startLine = line;
      terminated = false;
    }
    if (kind !== 'word' && inBody) bodyStatementStart = false;
    previous = kind;
  };
  const finish = (at: number) => {
    if (start >= 0) {
      const text = sql.slice(start, at).trimEnd();
      statements.push({ text, line: startLine, endLine: startLine + countNewlines(text), keyword: words[0] ?? '' });
    }
    start = -1;
    words = [];
    inBody = false;
    bodyDone = false;
    bodyStatementStart = false;
    previous = '';
  };

  while (i < sql.length) {
    const ch = sql[i] as string;
    if (ch === '\n') {
      line++;
      i++;
    } else if (ch === ' ' || ch === '\t' || ch === '\r' || ch === '\f' || ch === '\v') {
      i++;
    } else if (ch === '-' && sql[i + 1] === '-') {
      const nl = sql.indexOf('\n', i);
      i = nl === -1 ? sql.length : nl;
    } else if (ch === '/' && sql[i + 1] === '*') {
      const close = sql.indexOf('*/', i + 2);
      const end = close === -1 ? sql.length : close + 2;
      if (close === -1) unterminated ??= { what: 'block comment (/* without */)', line };
      line += countNewlines(sql.slice(i, end));
      i = end;
    } else if (ch === "'" || ch === '"' || ch === '`' || ch === '[') {
      token('quoted', i);
      const closer = ch === '[' ? ']' : ch;
      let j = i + 1;
      for (;;) {
        const k = sql.indexOf(closer, j);
        if (k === -1) {
          j = sql.length;
          unterminated ??= { what: ch === "'" ? 'string literal' : `quoted identifier (${ch})`, line };
          break;
        }
        if (closer !== ']' && sql[k + 1] === closer) {
          j = k + 2;
          continue;
        }
        j = k + 1;
        break;
      }
      line += countNewlines(sql.slice(i, j));
      i = j;
    } else if (isWordChar(ch)) {
      let j = i + 1;
      while (j < sql.length && isWordChar(sql[j] as string)) j++;
      const word = sql.slice(i, j).toUpperCase();
      const afterDot = previous === '.';
      token('word', i);
      if (words.length < 6) words.push(word);
      if (!inBody && !bodyDone && word === 'BEGIN' && !afterDot && isCreateTrigger(words)) {
        inBody = true;
        bodyStatementStart = true;
      } else if (inBody && bodyStatementStart && word === 'END') {
        inBody = false;
        bodyDone = true;
      } else if (inBody) {
        bodyStatementStart = false;
      }
      i = j;
    } else if (ch === ';') {
      if (inBody) {
        bodyStatementStart = true;
        previous = ';';
      } else {
        finish(i);
        terminated = true;
      }
      i++;
    } else {
      token(ch, i);
      i++;
    }
  }
  finish(sql.length);
  return { statements, terminated, ...(unterminated ? { unterminated } : {}) };
}

function isWordChar(ch: string): boolean {
  const c = ch.charCodeAt(0);
  return (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95 || c === 36 || c >= 0x80;
}

/** `[EXPLAIN [QUERY PLAN]] CREATE [TEMP|TEMPORARY] TRIGGER`: SQLite parses an explained trigger's body just the same. */
function isCreateTrigger(words: string[]): boolean {
  let at = 0;
  if (words[at] === 'EXPLAIN') at += words[at + 1] === 'QUERY' && words[at + 2] === 'PLAN' ? 3 : 1;
  if (words[at] !== 'CREATE') return false;
  if (words[at + 1] === 'TRIGGER') return true;
  return (words[at + 1] === 'TEMP' || words[at + 1] === 'TEMPORARY') && words[at + 2] === 'TRIGGER';
}

function countNewlines(text: string): number {
  let n = 0;
  for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) n++;
  return n;
}

/** UTF-8 length of a string, as Buffer.byteLength counts it (a lone surrogate is the 3-byte replacement). */
export function utf8Bytes(text: string): number {
  let bytes = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 0x80) bytes += 1;
    else if (c < 0x800) bytes += 2;
    else if (c >= 0xd800 && c <= 0xdbff && ((text.charCodeAt(i + 1) || 0) & 0xfc00) === 0xdc00) {
      bytes += 4;
      i++;
    } else bytes += 3;
  }
  return bytes;
}

export interface SqlProblem {
  line: number;
  rule: 'transaction control' | 'statement too long' | 'unterminated';
  message: string;
}

/** What D1 would refuse in this SQL, before it is sent: explicit transaction control, over-long statements. */
export function d1SqlProblems(scan: SqlScan, limits: D1Limits = D1_LIMITS): SqlProblem[] {
  const problems: SqlProblem[] = [];
  for (const statement of scan.statements) {
    if (TRANSACTION_KEYWORDS.includes(statement.keyword)) {
      problems.push({
        line: statement.line,
        rule: 'transaction control',
        message: `${statement.keyword} is refused by D1, which runs each request as one transaction of its own (no BEGIN, COMMIT, ROLLBACK, SAVEPOINT, RELEASE or END TRANSACTION). Remove it: the file is applied atomically without it.`,
      });
    }
    const bytes = utf8Bytes(statement.text);
    if (bytes > limits.maxStatementBytes) {
      problems.push({
        line: statement.line,
        rule: 'statement too long',
        message: `this statement (lines ${statement.line}–${statement.endLine}) is ${formatBytes(bytes)} bytes, more than D1's maximum SQL statement length of ${formatBytes(limits.maxStatementBytes)} bytes. Split it into several statements (for example one INSERT per few hundred rows).`,
      });
    }
  }
  if (scan.unterminated) {
    problems.push({
      line: scan.unterminated.line,
      rule: 'unterminated',
      message: `this ${scan.unterminated.what} never closes, so it swallows the rest of the file and the statement that records the migration.`,
    });
  }
  return problems;
}

/**
 * Groups statements, in order, into as few parts as possible whose request (`overheadBytes` plus each statement's
 * JSON-escaped text) fits `maxRequestBytes`: the line ranges to cut a file into.
 */
export function splitIntoRequests(
  statements: readonly SqlStatement[],
  maxRequestBytes: number,
  overheadBytes: number,
): Array<{ fromLine: number; toLine: number }> {
  const parts: Array<{ fromLine: number; toLine: number }> = [];
  let size = overheadBytes;
  for (const statement of statements) {
    // JSON.stringify adds two quotes; ";\n" joins statements.
    const bytes = utf8Bytes(JSON.stringify(statement.text)) - 2 + 2;
    const last = parts[parts.length - 1];
    if (last && size + bytes <= maxRequestBytes) {
      last.toLine = statement.endLine;
      size += bytes;
    } else {
      parts.push({ fromLine: statement.line, toLine: statement.endLine });
      size = overheadBytes + bytes;
    }
  }
  return parts;
}

export function formatBytes(n: number): string {
  return String(n).replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}
