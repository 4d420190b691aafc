// What the build must not see. Shared by build.mjs (which strips them from whatever it inherits: in CI the engine's
// own environment holds the provider's token) and upload.mjs (which builds first when its build is not cached).

/** The environment minus every Cloudflare credential and account setting wrangler or the SDK would read. */
export function withoutCloudflareCredentials(env) {
  return Object.fromEntries(Object.entries(env).filter(([name]) => !/^(CLOUDFLARE|CF)_/.test(name)));
}
