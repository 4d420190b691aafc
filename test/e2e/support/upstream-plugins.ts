import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Toolchain } from './pulumi-cli';

const sha256 = (file: string) => createHash('sha256').update(readFileSync(file)).digest('hex');

/** One block naming every binary the engine runs with: version, sha256, where it came from. */
export function describeUpstreamPlugins(toolchain: Toolchain): string {
  const lines = Object.entries(toolchain.manifest.binaries).map(
    ([name, b]) => `  ${name.padEnd(28)} ${b.version.padEnd(9)} sha256 ${b.sha256}  (${b.source})`,
  );
  return `[e2e] Pulumi toolchain (PULUMI_HOME ${toolchain.home}):\n${lines.join('\n')}`;
}

/**
 * When a plugin came from the offline folder, the installed binary (the file the engine starts) must be the one that
 * folder's SHA256SUMS lists. Hashes the installed file again rather than trusting the manifest's record of it.
 */
export function offlineChecksumProblems(toolchain: Toolchain): string[] {
  const problems: string[] = [];
  const { offlineFolder, binaries } = toolchain.manifest;
  for (const [name, binary] of Object.entries(binaries)) {
    if (!binary.source.startsWith('offline folder')) continue;
    const sums = readFileSync(join(offlineFolder, 'SHA256SUMS'), 'utf8');
    const listed = new RegExp(
      `^([0-9a-f]{64})\\s+\\*?${name}-v${binary.version.replace(/^v/, '')}-linux-amd64$`,
      'm',
    ).exec(sums)?.[1];
    if (!listed) problems.push(`${name} ${binary.version}: not listed in ${offlineFolder}/SHA256SUMS`);
    else if (!existsSync(binary.path)) problems.push(`${name}: ${binary.path} does not exist`);
    else if (sha256(binary.path) !== listed)
      problems.push(`${name}: ${binary.path} has sha256 ${sha256(binary.path)}, SHA256SUMS lists ${listed}`);
  }
  if (!binaries['pulumi-resource-cloudflare']) problems.push('the toolchain names no pulumi-resource-cloudflare');
  return problems;
}
