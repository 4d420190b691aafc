/** Physical names in Cloudflare. Every package's resources share one name so they are easy to find in the dashboard. */
const SEED_PREFIX = 'createsomething-';

/** `space` + `-staging` → `createsomething-space-staging`; prod's suffix is empty, giving the seed names. */
export function appResourceName(app: string, nameSuffix: string): string {
  return `${SEED_PREFIX}${app}${nameSuffix}`;
}

/** Workers keep the name their own wrangler config gives them, so `wrangler tail <name>` works in prod. */
export function workerScriptName(worker: string, nameSuffix: string): string {
  return `${worker}${nameSuffix}`;
}

/** Pages project names are at most 58 characters of lowercase letters, digits and dashes. */
export function assertValidProjectName(name: string): void {
  if (!/^[a-z0-9][a-z0-9-]{0,56}[a-z0-9]$/.test(name)) {
    throw new Error(
      `Pages project name "${name}" is invalid: use 1-58 lowercase letters, digits and dashes, not starting or ending with a dash. Shorten the package folder name or the stack's nameSuffix.`,
    );
  }
}
