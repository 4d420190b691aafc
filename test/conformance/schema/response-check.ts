import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import Ajv, { type ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';
import type { RecordedExchange } from '../../../packages/cloudflare-emulator/src/api/recorder.ts';
import { defectFor } from './schema-defects.ts';

export const SCHEMA_FILE = join(__dirname, 'cloudflare-api-subset.json');

interface Operation {
  responses?: Record<string, { content?: Record<string, { schema?: unknown }> }>;
}
export interface OpenApiSubset {
  openapi: string;
  'x-source': { repository: string; commit: string; date: string };
  paths: Record<string, Record<string, Operation>>;
}

export function loadSchema(): OpenApiSubset {
  return JSON.parse(readFileSync(SCHEMA_FILE, 'utf8')) as OpenApiSubset;
}

/** What the check made of one recorded exchange. */
export type Verdict =
  | { kind: 'valid'; operation: string; excused: string[] }
  | { kind: 'invalid'; operation: string; problems: string[] }
  | { kind: 'no-operation'; route: string };

/** JSON pointer segment, then URI fragment escaping: Ajv resolves `$ref`s as URIs. */
const pointer = (...segments: string[]) =>
  segments.map((s) => encodeURIComponent(s.replaceAll('~', '~0').replaceAll('/', '~1'))).join('/');

/**
 * Matches recorded exchanges to the schema's operations (method + path template) and validates each JSON answer
 * against the response the operation documents for its status (exact, then `4XX`-style, then `default`), with Ajv.
 */
export class ResponseChecker {
  private readonly ajv: Ajv;
  private readonly templates: Array<{ template: string; regex: RegExp; literal: number }>;
  private readonly compiled = new Map<string, ValidateFunction>();

  constructor(readonly doc: OpenApiSubset) {
    // OpenAPI 3.0 schema objects: `nullable` is understood by Ajv; `example`, `x-*` and friends are annotations.
    this.ajv = new Ajv({ strict: false, allErrors: true, logger: false });
    addFormats(this.ajv);
    // OpenAPI's numeric and binary formats, which JSON Schema does not define.
    this.ajv.addFormat('int32', { type: 'number', validate: (n: number) => Number.isInteger(n) });
    this.ajv.addFormat('int64', { type: 'number', validate: (n: number) => Number.isInteger(n) });
    this.ajv.addFormat('float', { type: 'number', validate: () => true });
    this.ajv.addFormat('double', { type: 'number', validate: () => true });
    this.ajv.addFormat('binary', true);
    this.ajv.addSchema(doc as object, 'cloudflare');
    this.templates = Object.keys(doc.paths)
      .map((template) => ({
        template,
        regex: new RegExp(`^${template.replace(/[.*+?^$()|[\]\\]/g, '\\$&').replace(/\\?\{[^}]+\\?\}/g, '[^/]+')}$`),
        literal: template.replace(/\{[^}]+\}/g, '').length,
      }))
      // The most literal template wins: `/scripts/{name}/content/v2` over a hypothetical `/scripts/{name}/{x}/v2`.
      .sort((a, b) => b.literal - a.literal);
  }

  /** The operation (`METHOD /template`) serving a request, if the schema has one. */
  operationFor(method: string, path: string): string | undefined {
    const m = method.toLowerCase();
    const match = this.templates.find((t) => t.regex.test(path) && this.doc.paths[t.template]?.[m] !== undefined);
    return match ? `${method.toUpperCase()} ${match.template}` : undefined;
  }

  check(exchange: RecordedExchange): Verdict {
    const operation = this.operationFor(exchange.method, exchange.path);
    if (!operation) return { kind: 'no-operation', route: `${exchange.method} ${routeShape(exchange.path)}` };
    const [method, template] = operation.split(' ') as [string, string];
    const responses = this.doc.paths[template]?.[method.toLowerCase()]?.responses ?? {};
    const status = String(exchange.status);
    const key = [status, `${status[0]}XX`, `${status[0]}xx`, 'default'].find((k) => k in responses);
    if (!key) {
      return {
        kind: 'invalid',
        operation,
        problems: [`status ${status} is not a documented response (documented: ${Object.keys(responses).join(', ')})`],
      };
    }
    const content = responses[key]?.content ?? {};
    const json = Object.keys(content).find((t) => /json/.test(t));
    if (exchange.body === undefined) {
      // A raw answer (a KV value, a script's source): the schema must allow a non-JSON body there.
      if (json && Object.keys(content).length === 1)
        return { kind: 'invalid', operation, problems: [`answered ${exchange.contentType}, documented: ${json}`] };
      return { kind: 'valid', operation, excused: [] };
    }
    // Documented without a body schema (e.g. DELETE of a Worker): the status is all there is to hold it to.
    if (!json || content[json]?.schema === undefined) return { kind: 'valid', operation, excused: [] };
    const excused = new Set<string>();
    const failureOnly = failureMemberOf(key, content[json]?.schema);
    if (failureOnly) excused.add(CONTRADICTORY_FAILURE_EVIDENCE);
    const validate = failureOnly
      ? this.componentValidator(failureOnly)
      : this.validator(template, method.toLowerCase(), key, json);
    if (validate(exchange.body)) return { kind: 'valid', operation, excused: [...excused] };
    const problems: string[] = [];
    for (const e of validate.errors ?? []) {
      // Only an error a written-down defect names is excused; every other one is a problem of the answer.
      const defect = defectFor(operation, exchange.status, e.instancePath, e.keyword);
      if (defect) excused.add(defect.evidence);
      else problems.push(`${e.instancePath || '(body)'} ${e.message ?? ''} ${JSON.stringify(e.params)}`);
    }
    if (problems.length === 0) return { kind: 'valid', operation, excused: [...excused] };
    return { kind: 'invalid', operation, problems };
  }

  private validator(template: string, method: string, status: string, contentType: string): ValidateFunction {
    return this.compiledRef(
      `cloudflare#/${pointer('paths', template, method, 'responses', status, 'content', contentType, 'schema')}`,
    );
  }

  /** `ref` is a schema's own `$ref` inside the document (`#/components/schemas/...`). */
  private componentValidator(ref: string): ValidateFunction {
    return this.compiledRef(`cloudflare${ref}`);
  }

  private compiledRef(ref: string): ValidateFunction {
    let fn = this.compiled.get(ref);
    if (!fn) {
      fn = this.ajv.compile({ $ref: ref });
      this.compiled.set(ref, fn);
    }
    return fn;
  }
}

export const CONTRADICTORY_FAILURE_EVIDENCE =
  'contradiction: a 4XX/5XX answer documented as allOf(the success envelope, success: true) and (the failure envelope, success: false): no answer can pass both, so it is held to the failure envelope alone';

/**
 * Many operations of this schema version document their error answer as `allOf: [<success response>, <…-failure>]`.
 * No body can satisfy both (`success` must be `true` and `false`), Cloudflare's own included. For such an error status
 * the failure member is the documented shape, and it is checked in full (errors, messages, `success: false`,
 * `result: null`): the excuse is structural, so a wrong error envelope still fails.
 */
export function failureMemberOf(statusKey: string, schema: unknown): string | undefined {
  if (!/^[45]/.test(statusKey)) return undefined;
  const members = (schema as { allOf?: Array<{ $ref?: string }> } | undefined)?.allOf;
  if (!members || members.length < 2) return undefined;
  const failures = members.filter((m) => /-failure$/.test(m.$ref ?? ''));
  return failures.length === 1 && failures[0]?.$ref ? failures[0].$ref : undefined;
}

/** A path with its ids and names replaced by `:x`, so the routes the schema lacks read as a short list. */
export function routeShape(path: string): string {
  return (
    path
      .replace(/^\/accounts\/[0-9a-f]{32}/, '/accounts/:account_id')
      // An R2 object key may hold slashes: all of it is the one id.
      .replace(/(\/objects)\/.+$/, '$1/:id')
      // The newer Workers resource API names a Worker under a folder that is itself called `workers`.
      .replace(/\/workers\/workers\/[^/]+/, '/workers/workers/:id')
      .replace(
        /(\/(?:database|namespaces|projects|scripts|services|deployments|domains|values|metadata|buckets|queues|consumers))\/[^/]+/g,
        '$1/:id',
      )
  );
}

export function readRecording(file: string): RecordedExchange[] {
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => JSON.parse(line) as RecordedExchange);
}
