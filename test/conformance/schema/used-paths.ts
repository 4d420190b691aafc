/**
 * The Cloudflare API paths (as the OpenAPI document spells them) that wrangler, the official SDK, the Pulumi provider
 * and this repository's scripts call: the operations the emulator serves and the schema check judges.
 */
export const USED_PATHS: RegExp[] = [
  /^\/user$/,
  /^\/user\/tokens\/verify$/,
  /^\/accounts\/\{account_id\}\/tokens\/verify$/,
  /^\/memberships$/,
  /^\/accounts$/,
  /^\/accounts\/\{account_id\}$/,
  /^\/accounts\/\{account_id\}\/d1\/database(\/.*)?$/,
  /^\/accounts\/\{account_id\}\/storage\/kv\/namespaces(\/.*)?$/,
  /^\/accounts\/\{account_id\}\/pages\/projects(\/.*)?$/,
  /^\/accounts\/\{account_id\}\/workers\/scripts(\/.*)?$/,
  /^\/accounts\/\{account_id\}\/workers\/subdomain$/,
  /^\/accounts\/\{account_id\}\/workers\/services\/.*$/,
  /^\/accounts\/\{account_id\}\/workers\/durable_objects\/namespaces$/,
  /^\/accounts\/\{account_id\}\/r2\/buckets(\/\{bucket_name\})?$/,
  /^\/accounts\/\{account_id\}\/queues(\/\{queue_id\}(\/consumers(\/\{consumer_id\})?)?)?$/,
];
