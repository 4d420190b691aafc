import { rmSync } from 'node:fs';
import { afterAll, describe } from 'vitest';
import { registerBeliefs } from './beliefs/index.ts';
import { missingRealAccountVariables, realAccountTarget } from './support/real-account-target.ts';
import type { Target } from './support/target.ts';

// The same beliefs against a real Cloudflare account, when one is given (the weekly workflow does). Without it, the
// run says so loudly and every belief shows as skipped with the reason: a green run here proves nothing by itself.
const missing = missingRealAccountVariables();
const reason = `NOT RUN against a real Cloudflare account: ${missing.join(' and ')} ${missing.length === 1 ? 'is' : 'are'} not set`;

if (missing.length > 0) {
  console.warn(
    `\n[conformance] ${'='.repeat(100)}\n[conformance] ${reason.toUpperCase()}.\n[conformance] ONLY THE EMULATOR WAS CHECKED. SET BOTH (AND CONFORMANCE_READ_TOKEN) TO CHECK THE BELIEFS AGAINST CLOUDFLARE.\n[conformance] ${'='.repeat(100)}\n`,
  );
  describe.skip(`Cloudflare beliefs, against a real account (${reason})`, () => {
    registerBeliefs(() => {
      throw new Error(reason);
    });
  });
} else {
  const target: Target = realAccountTarget();
  afterAll(() => rmSync(target.home, { recursive: true, force: true }));
  describe(`Cloudflare beliefs, against a real account (names prefixed ${target.prefix})`, () => {
    registerBeliefs(() => target);
  });
}
