import adapter from '@create-something/app-kit/adapter';
import { sveltekit } from '@sveltejs/kit/vite';
import { defineConfig } from 'vite';

export default defineConfig({
  plugins: [
    sveltekit({
      // platformProxy gives `vite dev` the same local D1/KV state that `wrangler d1 migrations apply --local` writes.
      adapter: adapter({ platformProxy: { configPath: 'wrangler.jsonc', persist: true } }),
    }),
  ],
});
