/**
 * `pulumi.runtime.setMocks` resets the runtime options and leaves out one the real engine turns on by default: caching
 * a dynamic provider's serialized closure across resources (PULUMI_NODEJS_CACHE_DYNAMIC_PROVIDERS is on unless set
 * to "false"). Without it every D1 migrations resource serializes the provider again, which makes mock runs far
 * slower than real ones. Call after setMocks so evaluation under mocks costs what it costs under `pulumi up`.
 */
export function matchRealRuntimeSettings(): void {
  const state = require('@pulumi/pulumi/runtime/state') as {
    getStore(): { settings: { options: { cacheDynamicProviders?: boolean } } };
  };
  state.getStore().settings.options.cacheDynamicProviders =
    process.env.PULUMI_NODEJS_CACHE_DYNAMIC_PROVIDERS !== 'false';
}
