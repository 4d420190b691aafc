import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    name: '@create-something/cloudflare-emulator',
    include: ['test/**/*.test.ts'],
    // Real wrangler runs take seconds each; suites share one emulator per file.
    testTimeout: 120_000,
    hookTimeout: 120_000,
    // Files run one at a time: each spawns wrangler and workerd, and the machine has two cores.
    fileParallelism: false,
  },
});
