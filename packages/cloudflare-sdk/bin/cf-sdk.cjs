#!/usr/bin/env node
// Runs the compiled CLI; `pnpm --filter @create-something/cloudflare-sdk build` produces dist/.
let cli;
try {
  cli = require('../dist/cli.js');
} catch (error) {
  if (error && error.code === 'MODULE_NOT_FOUND') {
    console.error('cf-sdk: dist/ is missing; run `pnpm --filter @create-something/cloudflare-sdk build` first.');
    process.exit(1);
  }
  throw error;
}
cli.main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error) => {
    console.error(error);
    process.exitCode = 1;
  },
);
