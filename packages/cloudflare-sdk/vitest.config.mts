import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    name: '@create-something/cloudflare-sdk',
    include: ['test/**/*.test.ts'],
    // Builds dist/ once, for the tests that load the package the way its consumers do.
    globalSetup: ['test/support/build-once.ts'],
    testTimeout: 20_000,
    // Every file imports the official SDK (large); sharing workers loads it once per worker, not once per file.
    isolate: false,
  },
});
