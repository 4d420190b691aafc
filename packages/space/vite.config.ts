import adapter, { kitOutDir } from '@create-something/app-kit/adapter';
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
      // .svelte-kit, or the build's own folder when infra's build.mjs runs it (so two builds of this app can overlap).
      ...kitOutDir(),
    }),
  ],
});
