import { describe, it } from 'vitest';
import type { Toolchain } from './pulumi-cli';

/**
 * Whether an end-to-end file can run. Without the Pulumi toolchain it says so in capitals; under CI (CI=true, as
 * .ci/run sets it) it also registers a failing test, so a CI run without the toolchain is red instead of quietly
 * skipping the tier that proves the most.
 */
export function toolchainReady(toolchain: Toolchain | { missing: string }, what: string): toolchain is Toolchain {
  if ('bin' in toolchain) return true;
  const line = '='.repeat(100);
  console.error(
    `\n${line}\n${what.toUpperCase()} NOT RUN: THE PULUMI TOOLCHAIN (CLI + UPSTREAM PLUGINS) IS NOT READY ON THIS MACHINE.\n${toolchain.missing}\nGET IT WITH \`pnpm toolchain\` (A COLD CLI BUILD TAKES A FEW MINUTES) AND RUN THE TESTS AGAIN.\n${line}\n`,
  );
  if (process.env.CI === 'true') {
    describe(what, () => {
      it('needs the Pulumi toolchain: under CI a missing toolchain fails the tier instead of skipping it', () => {
        throw new Error(`${what}: the Pulumi toolchain is missing (CI=true).\n${toolchain.missing}`);
      });
    });
  }
  return false;
}
