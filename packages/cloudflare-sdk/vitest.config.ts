import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    name: '@create-something/cloudflare-sdk',
    include: ['test/**/*.test.ts'],
    // Builds dist/ once, for the tests that load the package the way its consumers do.
    globalSetup: ['test/support/build-once.ts'],
    testTimeout: 20_000,
  },
});
