// The environment a package's `pnpm run build` gets: an allow-list, never the environment the engine ran with.
// A deny-list (the old `CLOUDFLARE_*`/`CF_*` filter) let PULUMI_ACCESS_TOKEN, GITHUB_TOKEN and ACTIONS_* reach every
// Vite plugin and dependency of the build; an allow-list lets through only what a build is known to need, plus the
// variables a package declares for itself.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/** What pnpm, Node and Vite need to run at all, and settings that only change how output looks. */
export const BASE_BUILD_ENV = ['PATH', 'HOME', 'TMPDIR', 'LANG', 'LC_ALL', 'TZ', 'CI', 'NO_COLOR', 'FORCE_COLOR'];

/** Names a package may never ask for: credentials of the engine, CI and Cloudflare. */
const NEVER =
  /^(PULUMI_|GITHUB_|ACTIONS_|RUNNER_|CLOUDFLARE_|CF_|AWS_|NPM_TOKEN$|NODE_AUTH_TOKEN$)|TOKEN|SECRET|PASSWORD|PASSPHRASE/;

/**
 * The build variables a package declares in its own turbo.json (`{ "extends": ["//"], "tasks": { "build": { "env":
 * ["PUBLIC_X"] } } }`): turbo hashes their values into the build's hash and passes them to the build, and this
 * passes them to turbo. Throws, naming the file and the variable, when one is a credential's name.
 */
export function declaredBuildEnv(packageDir) {
  const file = join(packageDir, 'turbo.json');
  if (!existsSync(file)) return [];
  const declared = JSON.parse(readFileSync(file, 'utf8')).tasks?.build?.env ?? [];
  if (!Array.isArray(declared) || declared.some((name) => typeof name !== 'string' || name.includes('*'))) {
    throw new Error(
      `${file}: tasks.build.env must be a list of variable names (no wildcards), like ["PUBLIC_SITE_NAME"]`,
    );
  }
  const refused = declared.filter((name) => NEVER.test(name.replace(/^!/, '')));
  if (refused.length > 0) {
    throw new Error(
      `${file}: tasks.build.env asks for ${refused.join(', ')}, which a build never gets (credentials of the engine, CI or Cloudflare). Remove ${refused.length > 1 ? 'them' : 'it'}: what a site needs at run time comes from its bindings.`,
    );
  }
  return declared;
}

/** The build's environment: the allow-list and the package's own variables, taken from `env`, plus `extra`. */
export function buildEnvironment(env, packageDir, extra = {}) {
  const names = [...BASE_BUILD_ENV, ...declaredBuildEnv(packageDir)];
  const picked = Object.fromEntries(names.filter((name) => env[name] !== undefined).map((name) => [name, env[name]]));
  return { ...picked, ...extra };
}
