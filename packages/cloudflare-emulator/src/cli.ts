#!/usr/bin/env node
import { parseArgs } from 'node:util';
import { DEFAULT_ACCOUNT_ID, startEmulator } from './index.ts';

const usage = `Usage: pnpm emulator [--port 8787] [--data-dir .cloudflare-local] [--account-id ${DEFAULT_ACCOUNT_ID}] [--token T] [--read-only-token R]...`;

function parse() {
  try {
    return parseArgs({
      options: {
        port: { type: 'string', default: '8787' },
        'data-dir': { type: 'string', default: '.cloudflare-local' },
        'account-id': { type: 'string', default: DEFAULT_ACCOUNT_ID },
        token: { type: 'string' },
        'read-only-token': { type: 'string', multiple: true },
        help: { type: 'boolean', short: 'h' },
      },
      // pnpm passes a lone "--" through when forwarding flags.
      args: process.argv.slice(2).filter((a) => a !== '--'),
    }).values;
  } catch (e) {
    console.error(`${(e as Error).message}\n${usage}`);
    process.exit(2);
  }
}

const args = parse();
if (args.help) {
  console.log(usage);
  process.exit(0);
}
const port = Number(args.port);
if (!Number.isInteger(port) || port < 0 || port > 65535) {
  console.error(`--port must be an integer 0-65535 (0 picks a free port), got "${args.port}"\n${usage}`);
  process.exit(2);
}

const emulator = await startEmulator({
  port,
  dataDir: args['data-dir'],
  accountId: args['account-id'],
  ...(args.token ? { token: args.token } : {}),
  readOnlyTokens: args['read-only-token'] ?? [],
}).catch((e: unknown) => {
  console.error(`Could not start the emulator: ${(e as Error).message}`);
  process.exit(1);
});
console.log(`Cloudflare API on ${emulator.url}`);

let stopping = false;
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    if (stopping) return;
    stopping = true;
    emulator.stop().then(
      () => process.exit(0),
      (e: unknown) => {
        console.error(`Shutdown failed: ${(e as Error).message}`);
        process.exit(1);
      },
    );
  });
}
