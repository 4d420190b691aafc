/**
 * Routes the emulator serves (because wrangler or the SDK call them) that the schema in cloudflare-api-subset.json
 * does not describe, each with the client source the emulator's answer follows (paths in cloudflare/workers-sdk for
 * wrangler 4.x, and in the `cloudflare` npm SDK 7.3.0 this repository installs). The schema check fails on a route in
 * neither the schema nor this list.
 */
export const ROUTES_WITHOUT_SCHEMA: Record<string, string> = {
  // Pages direct upload: not in Cloudflare's published schema at all.
  'GET /accounts/:account_id/pages/projects/:id/upload-token':
    'wrangler packages/wrangler/src/pages/upload.ts (fetchJwt: the upload JWT, answered as `{ jwt }`)',
  'POST /pages/assets/check-missing':
    'wrangler packages/wrangler/src/pages/upload.ts (hashes in, the missing ones out; Bearer upload JWT)',
  'POST /pages/assets/upload': 'wrangler packages/wrangler/src/pages/upload.ts (buckets of base64 files)',
  'POST /pages/assets/upsert-hashes': 'wrangler packages/wrangler/src/pages/upload.ts (after the upload)',
  // Newer than the schema version obtainable here (2024-08-06); typed by the SDK and called by wrangler.
  'GET /accounts/:account_id/d1/database/:id/time_travel/bookmark':
    'SDK resources/d1/database/time-travel.d.ts (TimeTravelGetBookmarkResponse { bookmark }); wrangler packages/wrangler/src/d1/timeTravel/info.ts',
  'POST /accounts/:account_id/d1/database/:id/time_travel/restore':
    'SDK resources/d1/database/time-travel.d.ts (TimeTravelRestoreResponse { bookmark, message, previous_bookmark }); wrangler packages/wrangler/src/d1/timeTravel/restore.ts',
  'GET /accounts/:account_id/workers/scripts/:id/subdomain':
    'SDK resources/workers/scripts/subdomain.d.ts (SubdomainGetResponse { enabled, previews_enabled })',
  'POST /accounts/:account_id/workers/scripts/:id/subdomain':
    'SDK resources/workers/scripts/subdomain.d.ts (SubdomainCreateResponse { enabled, previews_enabled })',
  'DELETE /accounts/:account_id/workers/scripts/:id/subdomain':
    "SDK resources/workers/scripts/subdomain.d.ts (SubdomainDeleteResponse { enabled, previews_enabled }); the upstream provider's destroy of a WorkersScriptSubdomain",
  'GET /accounts/:account_id/workers/services/:id':
    'wrangler packages/wrangler/src/deploy/deploy.ts (the service and its default_environment, read before an upload to tell a new Worker from an existing one; 404 code 10090 when there is none)',
  'GET /accounts/:account_id/workers/workers/:id':
    "SDK resources/workers/beta/workers/workers.d.ts (Worker { id, name, subdomain: { enabled, previews_enabled }, … }); wrangler's deploy reads the workers.dev state from it",
  // A queue's consumer by id: the 2024 schema has only its PUT and DELETE; the upstream provider reads it back.
  'GET /accounts/:account_id/queues/:id/consumers/:id':
    "SDK resources/queues/consumers.d.ts (consumers.get: Consumer { consumer_id, script, settings, type, … }); the upstream provider's QueueConsumer read",
  // R2 objects through the REST API: not in this schema (nor typed by the SDK); wrangler calls them.
  'PUT /accounts/:account_id/r2/buckets/:id/objects/:id':
    'wrangler packages/wrangler/src/r2/helpers/object.ts (putRemoteObject: raw body, content-* headers; needs a 2xx with a body, reads none of it)',
  'GET /accounts/:account_id/r2/buckets/:id/objects/:id':
    'wrangler packages/wrangler/src/r2/helpers/object.ts (getR2Object: the raw bytes; 404 means "The specified key does not exist")',
  'DELETE /accounts/:account_id/r2/buckets/:id/objects/:id':
    'wrangler packages/wrangler/src/r2/helpers/object.ts (deleteR2Object: needs a 2xx with a body)',
};
