/**
 * Split a SQL text into single statements on top-level semicolons, the way D1's HTTP API accepts "several statements
 * joined by semicolons". Quotes, comments and CREATE TRIGGER … BEGIN … END bodies are respected.
 */
export function splitSql(sql: string): string[] {
  const out: string[] = [];
  let start = 0;
  let i = 0;
  let depth = 0; // BEGIN … END nesting inside triggers
  let word = '';
  let prevWord = '';
  const n = sql.length;
  const flushWord = () => {
    if (word === '') return;
    const w = word.toUpperCase();
    // BEGIN opens a trigger body only when it does not start a transaction (BEGIN TRANSACTION; BEGIN;).
    if (w === 'BEGIN' && isTriggerBegin(sql, start, i)) depth++;
    else if (w === 'END' && depth > 0 && prevWord !== '') depth--;
    prevWord = w;
    word = '';
  };
  while (i < n) {
    const ch = sql[i] as string;
    const next = sql[i + 1];
    if (ch === '-' && next === '-') {
      flushWord();
      const nl = sql.indexOf('\n', i);
      i = nl === -1 ? n : nl + 1;
      continue;
    }
    if (ch === '/' && next === '*') {
      flushWord();
      const close = sql.indexOf('*/', i + 2);
      i = close === -1 ? n : close + 2;
      continue;
    }
    if (ch === "'" || ch === '"' || ch === '`' || ch === '[') {
      flushWord();
      const closer = ch === '[' ? ']' : ch;
      i++;
      while (i < n) {
        if (sql[i] === closer) {
          if (closer !== ']' && sql[i + 1] === closer) {
            i += 2;
            continue;
          }
          break;
        }
        i++;
      }
      i++;
      continue;
    }
    if (/[A-Za-z0-9_]/.test(ch)) {
      word += ch;
      i++;
      continue;
    }
    flushWord();
    if (ch === ';' && depth === 0) {
      pushIfReal(out, sql.slice(start, i));
      start = i + 1;
      prevWord = '';
    }
    i++;
  }
  flushWord();
  pushIfReal(out, sql.slice(start));
  return out;
}

function isTriggerBegin(sql: string, stmtStart: number, at: number): boolean {
  const head = sql.slice(stmtStart, at).replace(/--[^\n]*|\/\*[\s\S]*?\*\//g, ' ');
  return /\bCREATE\s+(TEMP\s+|TEMPORARY\s+)?TRIGGER\b/i.test(head);
}

function pushIfReal(out: string[], stmt: string): void {
  const stripped = stmt.replace(/--[^\n]*|\/\*[\s\S]*?\*\//g, '').trim();
  if (stripped !== '') out.push(stmt.trim());
}
