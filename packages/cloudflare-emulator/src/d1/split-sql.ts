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

/**
 * Split a SQL text into single statements on the semicolons SQLite ends them at. Not inside `--` or block comments,
 * string literals ('…' with '' as an escaped quote), quoted identifiers ("…", `…`, […]), or the BEGIN … END body of
 * a CREATE TRIGGER, whose END is the first token of a statement inside the body (so `CASE … END` and a column named
 * `end` do not close it). Comment-only pieces are dropped.
 */
export function splitSqlStatements(sql: string): SqlStatement[] {
  const out: SqlStatement[] = [];
  let pieceStart = 0; // after the previous top-level `;`
  let first = -1; // offset of the piece's first token
  let firstLine = 0;
  let line = 1;
  let words: string[] = [];
  let inBody = false;
  let bodyDone = false;
  let bodyStatementStart = false;
  let previous = '';
  const token = (kind: string, at: number) => {
    if (first < 0) {
      first = at;
      firstLine = line;
    }
    if (kind !== 'word' && inBody) bodyStatementStart = false;
    previous = kind;
  };
  const finish = (end: number) => {
    if (first >= 0) {
      out.push({
        text: sql.slice(pieceStart, end).trim(),
        body: sql.slice(first, end).trimEnd(),
        line: firstLine,
        keyword: words[0] ?? '',
      });
    }
    pieceStart = end + 1;
    first = -1;
    words = [];
    inBody = false;
    bodyDone = false;
    bodyStatementStart = false;
    previous = '';
  };

  let i = 0;
  while (i < sql.length) {
    const ch = sql[i] as string;
    if (ch === '\n') {
      line++;
      i++;
    } else if (/\s/.test(ch)) {
      i++;
    } else if (ch === '-' && sql[i + 1] === '-') {
      const nl = sql.indexOf('\n', i);
      i = nl === -1 ? sql.length : nl;
    } else if (ch === '/' && sql[i + 1] === '*') {
      const close = sql.indexOf('*/', i + 2);
      const end = close === -1 ? sql.length : close + 2;
      line += newlines(sql, i, end);
      i = end;
    } else if (ch === "'" || ch === '"' || ch === '`' || ch === '[') {
      token('quoted', i);
      const closer = ch === '[' ? ']' : ch;
      let j = i + 1;
      for (;;) {
        const k = sql.indexOf(closer, j);
        if (k === -1) {
          j = sql.length;
          break;
        }
        if (closer !== ']' && sql[k + 1] === closer) {
          j = k + 2;
          continue;
        }
        j = k + 1;
        break;
      }
      line += newlines(sql, i, j);
      i = j;
    } else if (/[A-Za-z0-9_$\u0080-\uffff]/.test(ch)) {
      let j = i + 1;
      while (j < sql.length && /[A-Za-z0-9_$\u0080-\uffff]/.test(sql[j] as string)) j++;
      const word = sql.slice(i, j).toUpperCase();
      const afterDot = previous === '.';
      token('word', i);
      if (words.length < 3) words.push(word);
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
      }
      i++;
    } else {
      token(ch, i);
      i++;
    }
  }
  finish(sql.length);
  return out;
}

/** The statements' text, leading comments included (what the emulator runs one by one). */
export function splitSql(sql: string): string[] {
  return splitSqlStatements(sql).map((s) => s.text);
}

function isCreateTrigger(words: string[]): boolean {
  if (words[0] !== 'CREATE') return false;
  if (words[1] === 'TRIGGER') return true;
  return (words[1] === 'TEMP' || words[1] === 'TEMPORARY') && words[2] === 'TRIGGER';
}

function newlines(sql: string, from: number, to: number): number {
  let n = 0;
  for (let k = sql.indexOf('\n', from); k !== -1 && k < to; k = sql.indexOf('\n', k + 1)) n++;
  return n;
}
