import { describe, expect, it } from 'vitest';
import { splitSql } from './d1.ts';

describe('splitSql', () => {
  it('splits on semicolons outside quotes and drops -- comments', () => {
    const sql = '-- schema\nCREATE TABLE t (a TEXT); -- trailing\nINSERT INTO t VALUES (\'x;y\', "q;r");\n\n';
    expect(splitSql(sql)).toEqual(['CREATE TABLE t (a TEXT)', 'INSERT INTO t VALUES (\'x;y\', "q;r")']);
  });

  it('keeps a last statement without a semicolon', () => {
    expect(splitSql('SELECT 1; SELECT 2')).toEqual(['SELECT 1', 'SELECT 2']);
  });
});
