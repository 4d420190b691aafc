import adapter, { kitBuildOptions } from '@create-something/app-kit/adapter';
import { contentSecurityPolicy } from '@create-something/app-kit/server/security-headers';
import { sveltekit } from '@sveltejs/kit/vite';
import { defineConfig } from 'vite';

export default defineConfig({
  plugins: [
    sveltekit({
      // platformProxy gives `vite dev` the same local D1/KV state that `wrangler d1 migrations apply --local` writes.
      adapter: adapter({ platformProxy: { configPath: 'wrangler.jsonc', persist: true } }),
      // A nonce per response for SvelteKit's inline start-up script; the rest of the policy is app-kit's.
      csp: contentSecurityPolicy,
      // Under infra's build.mjs: the build's own folder (two builds of this app can overlap) and a version named by its inputs.
      ...kitBuildOptions(),
    }),
  ],
});
