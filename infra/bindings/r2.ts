import { orNotFound } from '../cloudflare/client';
import { type BindingKind, field, listOf, nameRest } from './kind';

/**
 * R2 buckets (`r2_buckets: [{ binding, bucket_name }]`): one bucket per stack for each `bucket_name` plus the
 * stack's suffix (`createsomething-space-media-staging`). Bound by name. Protected like all data: Cloudflare refuses
 * to delete a bucket that holds objects, and a protected stack never tries.
 */
export const r2: BindingKind = {
  kind: 'r2',
  configKey: 'r2_buckets',
  scopes: ['app', 'worker'],
  read: (value, place) =>
    listOf(value, place, 'r2_buckets').map((entry, i) => {
      const where = `r2_buckets[${i}]`;
      if (entry.jurisdiction !== undefined)
        throw new Error(
          `${place.file}: ${where}.jurisdiction is not supported by the infra program yet: remove it, or add it in infra/bindings/r2.ts.`,
        );
      return {
        kind: 'r2',
        name: field(entry, 'binding', place, where),
        resource: field(entry, 'bucket_name', place, where),
      };
    }),
  resource: {
    type: 'cloudflare:index/r2Bucket:R2Bucket',
    label: 'R2 bucket',
    // The provider's id for a bucket is its own composite, not the name adoption finds.
    idInState: false,
    logicalName: (app, resource) => `${app}-bucket${nameRest(app, resource)}`,
    nameProblem: (name) =>
      /^[a-z0-9][a-z0-9-]{1,61}[a-z0-9]$/.test(name)
        ? undefined
        : `R2 bucket name "${name}" must be 3-63 lowercase letters, digits and dashes, starting and ending with a letter or digit: change bucket_name or the stack's nameSuffix.`,
    declare: (name, spec, { cloudflare, accountId, opts }) => {
      const bucket = new cloudflare.R2Bucket(name, { accountId, name: spec.physicalName }, opts);
      return { resource: bucket, ref: bucket.name, id: bucket.id };
    },
    find: async (cf, accountId, name) => {
      const bucket = await orNotFound(cf.r2.buckets.get(name, { account_id: accountId }));
      return bucket?.name ? [{ id: bucket.name }] : [];
    },
    importId: (accountId, found) => `${accountId}/${found.id}/default`,
    refOf: (_found, name) => name,
  },
  pages: {
    programKey: 'r2Buckets',
    apiKey: 'r2_buckets',
    stateKey: 'r2Buckets',
    program: (name) => ({ name }),
    api: (name) => ({ name }),
    live: (entry) => (typeof entry.name === 'string' ? entry.name : undefined),
  },
  inProtectedPreview: false,
  worker: (binding, bucketName) => ({ type: 'r2_bucket', name: binding.name, bucketName }),
  localByDefault: ([group, sub]) => group === 'r2' && sub === 'object',
  wrangler: (binding, target) => ({ binding: binding.name, bucket_name: target.ref }),
};
