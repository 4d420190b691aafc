import { defineConfig } from 'vitest/config';

// `pnpm test` runs every tier: the infra unit tests here, and each package's own vitest project (apps on Miniflare,
// emulator conformance, SDK), then the end-to-end tier in test/e2e when the Pulumi toolchain is available. The
// end-to-end tier runs second, on its own (package.json `test`): its SvelteKit builds keep both cores busy, and the
// app tiers beside them ran several times slower (that load is what exposed the forms' hydration race).
export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'infra',
          include: ['test/unit/**/*.test.ts'],
          testTimeout: 30_000,
        },
      },
      {
        // The project's own provider against the emulator, with real wrangler uploads (no Pulumi engine needed).
        test: {
          name: 'integration',
          include: ['test/integration/**/*.test.ts'],
          testTimeout: 120_000,
        },
      },
      {
        test: {
          // Beliefs about Cloudflare, written once: always against the emulator (and its answers against
          // Cloudflare's published schema), against a real account when CONFORMANCE_* variables name one.
          name: 'conformance',
          include: ['test/conformance/**/*.test.ts'],
          // Each file may start an emulator and run wrangler and workerd: one at a time on two cores.
          fileParallelism: false,
          testTimeout: 300_000,
          hookTimeout: 120_000,
        },
      },
      {
        test: {
          name: 'e2e',
          include: ['test/e2e/**/*.test.ts'],
          // One engine run at a time: the suite's steps build on each other.
          fileParallelism: false,
          testTimeout: 900_000,
          hookTimeout: 300_000,
        },
      },
      'packages/*/vitest.config.{ts,mts}',
      'packages/*/workers/*/vitest.config.{ts,mts}',
    ],
  },
});
