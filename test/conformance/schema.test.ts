import { Validator } from '@seriousme/openapi-schema-validator';
import { describe, expect, it } from 'vitest';
import type { RecordedExchange } from '../../packages/cloudflare-emulator/src/api/recorder.ts';
import { loadSchema, ResponseChecker } from './schema/response-check.ts';

const ACCOUNT = '/accounts/c5e11ad0c0ffee00000000000000cafe';
const exchange = (method: string, path: string, status: number, body: unknown): RecordedExchange => ({
  port: 0,
  method,
  path,
  query: '',
  requestContentType: 'application/json',
  status,
  contentType: 'application/json',
  body,
});
const envelope = (result: unknown) => ({ success: true, errors: [], messages: [], result });

describe("the test data: Cloudflare's published OpenAPI schema, cut to the operations used here", () => {
  const doc = loadSchema();

  it('is a valid OpenAPI 3.0 document but for the one upstream slip written down here', async () => {
    const result = await new Validator().validate(structuredClone(doc) as never);
    // Upstream writes one response key "4xx" where OpenAPI 3.0 allows only "4XX" (the check reads both spellings).
    const errors = Array.isArray(result.errors) ? result.errors : [];
    expect(errors.map((e) => `${e.instancePath} ${e.keyword} ${JSON.stringify(e.params)}`)).toEqual([
      '/paths/~1accounts~1{account_id}~1pages~1projects~1{project_name}~1domains~1{domain_name}/delete/responses additionalProperties {"additionalProperty":"4xx"}',
    ]);
    expect(doc.openapi).toMatch(/^3\.0\./);
  });

  it('names its source and keeps the operations of every product the program uses', () => {
    expect(doc['x-source']).toMatchObject({
      repository: 'cloudflare/api-schemas',
      commit: expect.stringMatching(/^[0-9a-f]{40}$/),
    });
    const checker = new ResponseChecker(doc);
    expect(checker.operationFor('POST', `${ACCOUNT}/d1/database/x/query`)).toBe(
      'POST /accounts/{account_id}/d1/database/{database_id}/query',
    );
    expect(checker.operationFor('POST', `${ACCOUNT}/storage/kv/namespaces`)).toBeDefined();
    expect(checker.operationFor('PATCH', `${ACCOUNT}/pages/projects/site`)).toBeDefined();
    expect(checker.operationFor('PUT', `${ACCOUNT}/workers/scripts/w`)).toBeDefined();
    expect(checker.operationFor('GET', '/user/tokens/verify')).toBeDefined();
  });
});

describe('the response check (the same one the recorded traffic goes through)', () => {
  const checker = new ResponseChecker(loadSchema());

  it('accepts a KV namespace as Cloudflare documents it', () => {
    const answer = envelope({
      id: '0f2ac74b498b48028cb68387c421e279',
      title: 'conformance-x',
      supports_url_encoding: true,
    });
    expect(checker.check(exchange('POST', `${ACCOUNT}/storage/kv/namespaces`, 200, answer)).kind).toBe('valid');
  });

  it('refuses an answer of the wrong shape, naming where', () => {
    const verdict = checker.check(exchange('POST', `${ACCOUNT}/storage/kv/namespaces`, 200, envelope({ id: 5 })));
    expect(verdict.kind).toBe('invalid');
    expect(verdict.kind === 'invalid' && verdict.problems.join('\n')).toMatch(/\/result\/id/);
  });

  it('refuses a status the operation does not document', () => {
    const verdict = checker.check(exchange('GET', '/user/tokens/verify', 302, envelope(null)));
    expect(verdict.kind).toBe('invalid');
  });

  it('does not excuse a written-down schema defect outside its one place', () => {
    // The D1 `result: object` contradiction is excused on /result only; a broken row shape is still a problem.
    const verdict = checker.check(
      exchange('POST', `${ACCOUNT}/d1/database/x/query`, 200, envelope([{ results: [], success: 'yes', meta: {} }])),
    );
    expect(verdict.kind).toBe('invalid');
  });

  it('holds an error answer documented as allOf(success, failure) to the failure envelope, in full', () => {
    // Cloudflare's own 404 for a deployment that is gone: the failure envelope, which the schema's allOf also demands
    // to be a success one. The failure envelope alone passes; a 404 in the success envelope, or a failure envelope
    // without its errors, does not.
    const deployment = `${ACCOUNT}/pages/projects/p/deployments/d`;
    const failure = {
      success: false,
      errors: [{ code: 8000009, message: 'deployment not found' }],
      messages: [],
      result: null,
    };
    const gone = checker.check(exchange('GET', deployment, 404, failure));
    expect(gone).toMatchObject({
      kind: 'valid',
      excused: [expect.stringMatching(/^contradiction: a 4XX\/5XX answer/)],
    });
    expect(checker.check(exchange('GET', deployment, 404, envelope({ id: 'd' }))).kind).toBe('invalid');
    expect(checker.check(exchange('POST', `${deployment}/rollback`, 403, { ...failure, errors: undefined })).kind).toBe(
      'invalid',
    );
  });

  it('reports routes the schema lacks', () => {
    expect(checker.check(exchange('POST', '/pages/assets/upload', 200, envelope(null))).kind).toBe('no-operation');
  });
});
