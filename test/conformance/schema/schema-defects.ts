/**
 * Where the schema in cloudflare-api-subset.json (cloudflare/api-schemas, 2024-08-06: the newest complete version
 * obtainable here) cannot be right, so an answer is not held to it at that one place. Each is narrow (operation,
 * status, where in the body, which rule) and gives its evidence: a contradiction inside the schema itself (no answer
 * could pass, Cloudflare's own included), or the newer official SDK (`cloudflare` 7.3.0, a dependency here) typing the
 * field otherwise.
 */
export interface SchemaDefect {
  operation: RegExp;
  status: RegExp;
  /** Ajv's instancePath of the error. */
  at: RegExp;
  /** Ajv's keyword of the error. */
  keyword: RegExp;
  evidence: string;
}

// The error answers documented as allOf(success envelope, failure envelope) are one structural defect, handled where
// it is detected (response-check.ts failureMemberOf), not listed here operation by operation.
export const SCHEMA_DEFECTS: SchemaDefect[] = [
  {
    operation: /^(GET|POST|DELETE) \/accounts\/\{account_id\}\/d1\/database/,
    status: /^2/,
    at: /^\/result$/,
    keyword: /^type$/,
    evidence:
      "contradiction: allOf of d1_api-response-common (result: object) and the operation's own result (array, or null on DELETE); the SDK types D1 query/raw/list results as arrays",
  },
  {
    operation: /^GET \/accounts\/\{account_id\}\/pages\/projects\/\{project_name\}$/,
    status: /^2/,
    at: /^\/result\/(canonical|latest)_deployment$/,
    keyword: /^type$/,
    evidence:
      'SDK 7.3.0 Project: `canonical_deployment: Deployment | null`, `latest_deployment: Deployment | null` (a project with no deployment yet)',
  },
  {
    operation: /^GET \/accounts\/\{account_id\}\/workers\/scripts\/\{script_name\}\/settings$/,
    status: /^4/,
    at: /^\/success$/,
    keyword: /^enum$/,
    evidence: 'contradiction: the 4XX answer is documented with the success envelope (success: true) only',
  },
  {
    operation: /^(GET|PUT) \/accounts\/\{account_id\}\/workers\/scripts(\/\{script_name\})?$/,
    status: /^2/,
    at: /^\/result(\/\d+)?\/(usage_model|tail_consumers)$/,
    keyword: /^(pattern|type)$/,
    evidence:
      "SDK 7.3.0 Script: `usage_model?: 'standard' | 'bundled' | 'unbound'` (the standard model came after this schema), `tail_consumers?: Array<ConsumerScript> | null`",
  },
  {
    operation: /^GET \/accounts\/\{account_id\}\/workers\/scripts\/\{script_name\}\/settings$/,
    status: /^2/,
    at: /^\/result\/usage_model$/,
    keyword: /^pattern$/,
    evidence: "SDK 7.3.0: `usage_model?: 'standard' | 'bundled' | 'unbound'`",
  },
  {
    operation: /^GET \/accounts\/\{account_id\}\/workers\/scripts\/\{script_name\}\/settings$/,
    status: /^2/,
    at: /^\/result\/bindings\/\d+(\/type)?$/,
    keyword: /^(required|oneOf|enum)$/,
    evidence:
      "this schema's workers_d1_binding requires `binding` plus the database's `name`; SDK 7.3.0 WorkersBindingKindD1 has the binding's `name`, `database_id` and `id` (the emulator answers what was uploaded: type, name, id)",
  },
  {
    operation: /^GET \/accounts\/\{account_id\}\/r2\/buckets$/,
    status: /^2/,
    at: /^\/result$/,
    keyword: /^type$/,
    evidence:
      'SDK 7.3.0 `BucketListResponse { buckets?: Array<Bucket> }` (this schema: an array); wrangler src/r2/helpers/bucket.ts reads `result.buckets`',
  },
  {
    operation: /^(GET|POST|PUT|PATCH) \/accounts\/\{account_id\}\/queues/,
    status: /^2/,
    at: /^$/,
    keyword: /^required$/,
    evidence:
      "misplaced: the queue's and consumer's required fields (queue_id, queue_name, created_on, script_name, settings, dead_letter_queue, …) are listed on the envelope, beside `properties.result`; SDK 7.3.0 types them on `Queue` and `Consumer`, all optional",
  },
  {
    operation: /^(GET|POST|PUT|PATCH) \/accounts\/\{account_id\}\/queues\/?[^ ]*$/,
    status: /^2/,
    at: /^\/result$/,
    keyword: /^type$/,
    evidence:
      "contradiction: allOf of mq_api-response-collection (result: array) and the operation's single queue or consumer (object); the SDK unwraps `result` to one `Queue` / `Consumer`",
  },
  {
    operation: /^(GET|POST|PUT|PATCH) \/accounts\/\{account_id\}\/queues(\/\{queue_id\})?$/,
    status: /^2/,
    at: /^\/result(\/\d+)?\/(consumers|producers)$/,
    keyword: /^type$/,
    evidence:
      'SDK 7.3.0 Queue: `consumers?: Array<Consumer>`, `producers?: Array<MqWorkerProducer | MqR2Producer>` (this schema: object); wrangler reads `queue.consumers.filter(…)`',
  },
];

export function defectFor(operation: string, status: number, at: string, keyword: string): SchemaDefect | undefined {
  return SCHEMA_DEFECTS.find(
    (d) => d.operation.test(operation) && d.status.test(String(status)) && d.at.test(at) && d.keyword.test(keyword),
  );
}
