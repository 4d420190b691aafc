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
      // Under turbo (infra's builds): a version named by the build's inputs, so the same sources give the same bytes.
      ...kitBuildOptions(),
    }),
  ],
});
