import { beforeAll, describe, expect, it } from 'vitest';
import { loadSqliteTokenizer, splitSql, splitSqlStatements } from '../src/d1/split-sql.ts';
import { mergePatch } from '../src/pages/merge.ts';
import { branchAlias } from '../src/pages/views.ts';
import { parseHost } from '../src/serve/host.ts';
import { applyHeaders, matchRedirect, parseHeaders, parseRedirects, routesToWorker } from '../src/serve/pages-rules.ts';

describe('splitSql', () => {
  beforeAll(() => loadSqliteTokenizer());

  it('splits on top-level semicolons only', () => {
    expect(
      splitSql(`-- leading comment
CREATE TABLE a (x TEXT); INSERT INTO a VALUES ('semi;colon'), ("q""uote;");
/* block; comment */ CREATE TRIGGER t AFTER INSERT ON a BEGIN UPDATE a SET x = 'y'; DELETE FROM a WHERE x = 'z'; END;
BEGIN TRANSACTION; SELECT 1; COMMIT;`),
    ).toEqual([
      '-- leading comment\nCREATE TABLE a (x TEXT)',
      `INSERT INTO a VALUES ('semi;colon'), ("q""uote;")`,
      "/* block; comment */ CREATE TRIGGER t AFTER INSERT ON a BEGIN UPDATE a SET x = 'y'; DELETE FROM a WHERE x = 'z'; END",
      'BEGIN TRANSACTION',
      'SELECT 1',
      'COMMIT',
    ]);
  });
  it('drops empty and comment-only statements', () => {
    expect(splitSql(' ; -- nothing\n ;')).toEqual([]);
  });
  it('keeps a trigger body whole through CASE … END and a column named end', () => {
    const sql = `CREATE TEMP TRIGGER t AFTER INSERT ON a BEGIN
  UPDATE a SET x = CASE WHEN new.x = 'q' THEN 'r' ELSE x END;
  UPDATE a SET end = 1; SELECT RAISE(ROLLBACK, 'no;') WHERE 0;
END;
SELECT 2;`;
    expect(splitSql(sql)).toEqual([sql.slice(0, sql.lastIndexOf('END;') + 3), 'SELECT 2']);
  });
  it('gives each statement its first keyword and line, outside comments and literals', () => {
    const statements = splitSqlStatements("-- BEGIN;\n/* COMMIT;\n */ INSERT INTO a VALUES ('\n;');\n\n  rollback;");
    expect(statements.map((s) => [s.keyword, s.line, s.body])).toEqual([
      ['INSERT', 3, "INSERT INTO a VALUES ('\n;')"],
      ['ROLLBACK', 6, 'rollback'],
    ]);
  });
});

describe('mergePatch (Pages PATCH semantics)', () => {
  it('merges objects, replaces arrays, deletes nulls and emptied maps', () => {
    const before = { a: { keep: 1, drop: 2 }, list: [1, 2], maps: { X: { id: 'x' } } };
    expect(mergePatch(before, { a: { drop: null, add: 3 }, list: [3], maps: {} })).toEqual({
      a: { keep: 1, add: 3 },
      list: [3],
    });
    expect(before).toEqual({ a: { keep: 1, drop: 2 }, list: [1, 2], maps: { X: { id: 'x' } } });
  });
});

describe('Pages rules', () => {
  it('_redirects: placeholders and splats', () => {
    const rules = parseRedirects('# comment\n/blog/:slug /posts/:slug 301\n/docs/* /d/:splat\n');
    expect(matchRedirect(rules, '/blog/hello')).toEqual({ to: '/posts/hello', status: 301 });
    expect(matchRedirect(rules, '/docs/a/b')).toEqual({ to: '/d/a/b', status: 302 });
    expect(matchRedirect(rules, '/other')).toBeUndefined();
  });
  it('_headers: set, detach, splat', () => {
    const rules = parseHeaders('/*\n  X-All: 1\n  X-Gone: 1\n/assets/*\n  ! X-Gone\n  Cache-Control: immutable\n');
    const h = new Headers();
    applyHeaders(rules, '/assets/a.css', h);
    expect(Object.fromEntries(h)).toEqual({ 'x-all': '1', 'cache-control': 'immutable' });
  });
  it('_routes.json: exclude wins; no file means every path', () => {
    const toWorker = routesToWorker(
      JSON.stringify({ version: 1, include: ['/*'], exclude: ['/_app/*', '/favicon.png'] }),
    );
    expect(toWorker('/api/x')).toBe(true);
    expect(toWorker('/_app/immutable/x.js')).toBe(false);
    expect(toWorker('/favicon.png')).toBe(false);
    expect(routesToWorker(undefined)('/anything')).toBe(true);
  });
  it('hosts and branch aliases', () => {
    expect(parseHost('site.pages.localhost:8787')).toEqual({ kind: 'pages', project: 'site' });
    expect(parseHost('feat-x.site.pages.localhost')).toEqual({ kind: 'pages', project: 'site', label: 'feat-x' });
    expect(parseHost('w.workers.localhost:1')).toEqual({ kind: 'worker', script: 'w' });
    expect(parseHost('127.0.0.1:8787')).toBeUndefined();
    expect(branchAlias('Feature/New_Look!')).toBe('feature-new-look');
  });
});
