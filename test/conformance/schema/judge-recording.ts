import { loadSchema, ResponseChecker, readRecording } from './response-check.ts';
import { ROUTES_WITHOUT_SCHEMA } from './routes-without-schema.ts';

export interface Judgement {
  exchanges: number;
  /** Answers matched to an operation of the schema and valid against it. */
  validated: number;
  /** Distinct operations (`METHOD /template`) seen. */
  operations: string[];
  /** `operation status: problem` for every answer the schema refuses. */
  invalid: string[];
  /** Routes in neither the schema nor ROUTES_WITHOUT_SCHEMA. */
  unlistedRoutes: string[];
  /** Evidence of each schema defect (schema-defects.ts) that excused part of an answer. */
  excused: string[];
  /** Routes seen that ROUTES_WITHOUT_SCHEMA explains. */
  listedRoutes: string[];
  summary: string;
}

/**
 * Judge recorded emulator traffic (files written with CLOUDFLARE_EMULATOR_RECORD) against Cloudflare's published
 * schema: what `test/conformance` asserts for its own traffic, and what any other tier can assert for its own.
 */
export function judgeRecording(files: string[]): Judgement {
  const doc = loadSchema();
  const checker = new ResponseChecker(doc);
  const exchanges = files.flatMap(readRecording);
  const operations = new Set<string>();
  const invalid = new Set<string>();
  const unlisted = new Set<string>();
  const listed = new Set<string>();
  const excused = new Set<string>();
  let validated = 0;
  for (const exchange of exchanges) {
    const verdict = checker.check(exchange);
    if (verdict.kind === 'no-operation') {
      (verdict.route in ROUTES_WITHOUT_SCHEMA ? listed : unlisted).add(verdict.route);
      continue;
    }
    operations.add(verdict.operation);
    if (verdict.kind === 'valid') {
      validated++;
      for (const e of verdict.excused) excused.add(e);
    } else for (const p of verdict.problems) invalid.add(`${verdict.operation} ${exchange.status}: ${p}`);
  }
  const source = doc['x-source'];
  return {
    exchanges: exchanges.length,
    validated,
    operations: [...operations].sort(),
    invalid: [...invalid].sort(),
    unlistedRoutes: [...unlisted].sort(),
    excused: [...excused].sort(),
    listedRoutes: [...listed].sort(),
    summary: `${exchanges.length} recorded answers: ${validated} valid against ${operations.size} operations of cloudflare/api-schemas@${source.commit.slice(0, 7)} (${source.date}); ${invalid.size} distinct problems; ${excused.size} known schema defects excused; ${listed.size + unlisted.size} routes without a schema (${unlisted.size} not written down)`,
  };
}
