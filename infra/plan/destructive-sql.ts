/**
 * Which statements of a migration file destroy data that a later migration cannot bring back, and whether the file
 * says why that is meant (`-- destructive: <reason>`). On a protected stack the migrations provider refuses such a
 * file without a reason, in preview, before anything runs (infra/provider/d1-migrations.ts). Pure and
 * dependency-free, like the rest of infra/plan.
 *
 * The rules (SQLite's syntax, as D1 runs it):
 * - `drop table`: DROP TABLE removes the table and every row in it.
 * - `drop column`: ALTER TABLE … DROP [COLUMN] removes a column's values from every row.
 * - `rename`: ALTER TABLE … RENAME [COLUMN] … / RENAME TO …: the live code still reads the old name until its
 *   deployment follows, and the schema is applied before the build (README "What a deploy does").
 * - `table rebuild`: SQLite's way to change a column (create a new table, copy, DROP TABLE the old one, RENAME the new
 *   one to the old name): a copy that forgets a column or a row is lost data. Reported once, at the DROP.
 * - `delete without where` / `update without where`: a DELETE or UPDATE with no WHERE at its top level touches every
 *   row.
 */
import { scanSql } from './d1-sql';

export type DestructiveRule =
  | 'drop table'
  | 'drop column'
  | 'rename'
  | 'table rebuild'
  | 'delete without where'
  | 'update without where';

export interface DestructiveFinding {
  /** 1-based line of the statement's first token (for a rebuild, of its DROP TABLE). */
  line: number;
  rule: DestructiveRule;
  /** What the statement does, in words, naming the table. */
  detail: string;
}

/** The marker a file carries when its destruction is meant: `-- destructive: <reason>` on a line of its own. */
export const REASON_MARKER = /^[ \t]*--[ \t]*destructive:[ \t]*(.*)$/im;

/** The reason the file gives, '' when the marker is there without one, undefined when there is no marker. */
export function destructiveReason(sql: string): string | undefined {
  const match = REASON_MARKER.exec(sql);
  return match ? (match[1] ?? '').trim() : undefined;
}

interface Token {
  /** Upper-cased for words; the unquoted name for quoted identifiers. */
  value: string;
  kind: 'word' | 'name' | 'string' | 'punct';
  depth: number;
}

/** The tokens of one statement, without comments; `depth` is the parenthesis depth the token sits at. */
function tokens(text: string): Token[] {
  const found: Token[] = [];
  let depth = 0;
  let i = 0;
  while (i < text.length) {
    const ch = text[i] as string;
    if (/\s/.test(ch)) {
      i++;
    } else if (ch === '-' && text[i + 1] === '-') {
      const nl = text.indexOf('\n', i);
      i = nl === -1 ? text.length : nl;
    } else if (ch === '/' && text[i + 1] === '*') {
      const close = text.indexOf('*/', i + 2);
      i = close === -1 ? text.length : close + 2;
    } else if (ch === "'" || ch === '"' || ch === '`' || ch === '[') {
      const closer = ch === '[' ? ']' : ch;
      let j = i + 1;
      let value = '';
      while (j < text.length) {
        if (text[j] === closer) {
          if (closer !== ']' && text[j + 1] === closer) {
            value += closer;
            j += 2;
            continue;
          }
          break;
        }
        value += text[j];
        j++;
      }
      found.push({ value, kind: ch === "'" ? 'string' : 'name', depth });
      i = j + 1;
    } else if (/[A-Za-z0-9_$\u0080-\uffff]/.test(ch)) {
      let j = i + 1;
      while (j < text.length && /[A-Za-z0-9_$\u0080-\uffff]/.test(text[j] as string)) j++;
      found.push({ value: text.slice(i, j).toUpperCase(), kind: 'word', depth });
      i = j;
    } else {
      if (ch === ')') depth = Math.max(0, depth - 1);
      found.push({ value: ch, kind: 'punct', depth });
      if (ch === '(') depth++;
      i++;
    }
  }
  return found;
}

const isWord = (t: Token | undefined, ...words: string[]) => t?.kind === 'word' && words.includes(t.value);

/** A table name as written (`main.t`, `"t"`), lower-cased for comparing: SQLite names are case-insensitive. */
function tableName(list: Token[], at: number): { name: string; next: number } {
  let k = at;
  let name = list[k]?.value ?? '';
  if (list[k + 1]?.value === '.') {
    k += 2;
    name = list[k]?.value ?? name;
  }
  return { name: name.toLowerCase(), next: k + 1 };
}

/** Every destructive statement of a file, in order, with its line and rule. */
export function destructiveFindings(sql: string): DestructiveFinding[] {
  const findings: DestructiveFinding[] = [];
  const drops = new Map<string, number>();
  for (const statement of scanSql(sql).statements) {
    const list = tokens(statement.text);
    const first = list[0];
    if (isWord(first, 'DROP') && isWord(list[1], 'TABLE')) {
      let k = 2;
      if (isWord(list[k], 'IF') && isWord(list[k + 1], 'EXISTS')) k += 2;
      const { name } = tableName(list, k);
      drops.set(name, findings.length);
      findings.push({
        line: statement.line,
        rule: 'drop table',
        detail: `DROP TABLE ${name} deletes the table and every row in it`,
      });
    } else if (isWord(first, 'ALTER') && isWord(list[1], 'TABLE')) {
      const { name, next } = tableName(list, 2);
      const action = list[next];
      if (isWord(action, 'DROP')) {
        const column = isWord(list[next + 1], 'COLUMN') ? list[next + 2] : list[next + 1];
        findings.push({
          line: statement.line,
          rule: 'drop column',
          detail: `ALTER TABLE ${name} DROP COLUMN ${(column?.value ?? '').toLowerCase()} deletes that column's value in every row`,
        });
      } else if (isWord(action, 'RENAME')) {
        const renamesTable = isWord(list[next + 1], 'TO');
        const target = renamesTable ? tableName(list, next + 2).name : '';
        const dropped = renamesTable ? drops.get(target) : undefined;
        if (dropped !== undefined) {
          const drop = findings[dropped] as DestructiveFinding;
          findings[dropped] = {
            line: drop.line,
            rule: 'table rebuild',
            detail: `${target} is rebuilt (dropped at line ${drop.line}, ${name} renamed to it at line ${statement.line}): any column or row the copy left out is gone`,
          };
        } else {
          findings.push({
            line: statement.line,
            rule: 'rename',
            detail: renamesTable
              ? `ALTER TABLE ${name} RENAME TO ${target}: code that is live reads the old name until its new deployment`
              : `ALTER TABLE ${name} RENAME a column: code that is live reads the old name until its new deployment`,
          });
        }
      }
    } else if (isWord(first, 'DELETE', 'UPDATE')) {
      const hasWhere = list.some((t) => t.depth === 0 && isWord(t, 'WHERE'));
      if (!hasWhere) {
        const isDelete = first?.value === 'DELETE';
        let k = 1;
        if (isDelete && isWord(list[k], 'FROM')) k++;
        if (!isDelete && isWord(list[k], 'OR')) k += 2;
        const { name } = tableName(list, k);
        findings.push({
          line: statement.line,
          rule: isDelete ? 'delete without where' : 'update without where',
          detail: `${first?.value} on ${name} without WHERE ${isDelete ? 'deletes' : 'changes'} every row`,
        });
      }
    }
  }
  return findings.sort((a, b) => a.line - b.line);
}

/**
 * What stops a file on a protected stack: its destructive statements when it gives no reason, one message each
 * naming the line and the rule; a marker without a reason is a problem of its own. Empty when the file may run.
 */
export function destructiveProblems(fileName: string, sql: string): string[] {
  const findings = destructiveFindings(sql);
  if (findings.length === 0) return [];
  const reason = destructiveReason(sql);
  if (reason) return [];
  const fix =
    reason === ''
      ? 'its "-- destructive:" line gives no reason. Write why this is safe now after the colon'
      : 'add a line "-- destructive: <why this is safe now, e.g. exported to R2 on 2026-05-01, no deployed code reads it>" to the file';
  return findings.map(
    (f) =>
      `${fileName} line ${f.line}: ${f.rule}: ${f.detail}. On a protected stack a destructive migration needs a reason: ${fix}.`,
  );
}
