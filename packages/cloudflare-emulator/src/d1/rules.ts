import { CfError } from '../envelope.ts';
import type { SqlStatement } from './split-sql.ts';

/**
 * D1's rules for SQL sent to the HTTP API (`/query`, `/raw`), enforced before anything runs so a refused request
 * changes nothing, as on D1.
 *
 * Limits, from https://developers.cloudflare.com/d1/platform/limits/ (revision of 21 April 2026): "Maximum SQL
 * statement length: 100,000 bytes (100 KB)", per statement of a batch. That page publishes no size limit for a whole
 * request; the emulator uses the request body limit Cloudflare publishes for the Free and Pro plans, 100 MB
 * (https://developers.cloudflare.com/workers/platform/limits/#request-limits), in decimal bytes. The infra program's
 * preflight (infra/plan/d1-sql.ts) checks the same values.
 */
export const D1_MAX_STATEMENT_BYTES = 100_000;
export const D1_MAX_REQUEST_BYTES = 100_000_000;

/** Statements D1 refuses: it runs each request as one transaction of its own. */
const TRANSACTION_KEYWORDS = new Set(['BEGIN', 'COMMIT', 'END', 'ROLLBACK', 'SAVEPOINT', 'RELEASE']);

/** Refuse what D1 refuses, with its error shape: HTTP 400, code 7500, SQLite's result code at the end. */
export function checkD1Statements(statements: readonly SqlStatement[]): void {
  for (const statement of statements) {
    if (TRANSACTION_KEYWORDS.has(statement.keyword)) {
      throw new CfError(
        400,
        7500,
        `not authorized: SQLITE_AUTH (${statement.keyword} at line ${statement.line}: D1 runs each request as one transaction and refuses BEGIN, COMMIT, ROLLBACK, SAVEPOINT, RELEASE and END TRANSACTION; remove them, the statements of one request already commit or roll back together)`,
      );
    }
    const bytes = Buffer.byteLength(statement.body, 'utf8');
    if (bytes > D1_MAX_STATEMENT_BYTES) {
      throw new CfError(
        400,
        7500,
        `statement too long: SQLITE_TOOBIG (the statement at line ${statement.line} is ${bytes} bytes; D1's maximum SQL statement length is ${D1_MAX_STATEMENT_BYTES} bytes: split it into several statements)`,
      );
    }
  }
}

/** A request body over the size limit: nothing of it runs. */
export function checkD1RequestSize(bytes: number): void {
  if (bytes > D1_MAX_REQUEST_BYTES) {
    throw new CfError(
      413,
      7500,
      `request too large: ${bytes} bytes, more than the ${D1_MAX_REQUEST_BYTES} bytes one D1 request may carry: split the SQL into several requests`,
    );
  }
}
