import { isAbsolute, join } from 'node:path';
import { BINDING_KINDS, readConfigBindings, type StackTarget } from '../infra/bindings';
import type { WranglerConfig } from '../infra/inventory/wrangler-config';

/**
 * The pure part of `pnpm wrangler <pkg> [--stack s] -- <args>`: the wrangler config that names the stack's real
 * resources, and the arguments that make a command act on them.
 */

export interface StackResources {
  /** Absolute path of the package folder. */
  packageDir: string;
  /** The package's folder name (`space`). */
  app: string;
  projectName: string;
  /**
   * The stack's resources the package's bindings name, by `<kind>:<production name>` (`d1:createsomething-space`).
   * Unknown only for pages commands that do not deploy (see `needsBindings`): then no data binding is written.
   */
  targets?: Record<string, StackTarget>;
}

/**
 * The package's own wrangler config with the stack's names and ids in place of the local placeholders: every binding
 * to a resource (D1, KV, R2, queue producers: each kind's `wrangler` entry in infra/bindings/) names the stack's
 * resource, and `name` its Pages project. Everything else (compatibility settings, vars) stays as the package has it.
 */
export function stackWranglerConfig(packageConfig: WranglerConfig, stack: StackResources): Record<string, unknown> {
  const { $schema: _schema, ...rest } = packageConfig;
  const absolute = (path: string) => (isAbsolute(path) ? path : join(stack.packageDir, path));
  const config: Record<string, unknown> = {
    ...rest,
    name: stack.projectName,
    pages_build_output_dir: absolute(String(packageConfig.pages_build_output_dir ?? '.svelte-kit/cloudflare')),
  };
  const { bindings } = readConfigBindings(packageConfig, { file: 'wrangler.jsonc', scope: 'app', app: stack.app });
  for (const kind of BINDING_KINDS) {
    if (!kind.resource || !kind.wrangler || packageConfig[kind.configKey] === undefined) continue;
    // Never the package's placeholders: without the stack's ids, no binding of this kind at all.
    if (!stack.targets) {
      delete config[kind.configKey];
      continue;
    }
    const targets = stack.targets;
    const entries = bindings
      .filter((b) => b.kind === kind.kind)
      .map((b) => {
        const target = targets[`${b.kind}:${b.resource}`];
        if (!target) throw new Error(`${b.name}: the stack has no ${b.kind} ${b.resource}`);
        return (kind.wrangler as NonNullable<typeof kind.wrangler>)(b, target, stack.packageDir);
      });
    // Queues: only the producers are bindings (a Pages app has no consumers).
    config[kind.configKey] = kind.configKey === 'queues' ? { producers: entries } : entries;
  }
  return config;
}

/** `<pkg> [--stack s] [--] <wrangler args>`: the package, the stack (default prod) and wrangler's arguments. */
export function parseWranglerArgv(argv: readonly string[]): { pkg: string; stack: string; args: string[] } {
  const dashes = argv.indexOf('--');
  const ours = dashes === -1 ? [...argv] : argv.slice(0, dashes);
  const theirs = dashes === -1 ? [] : argv.slice(dashes + 1);
  let stack = 'prod';
  const at = ours.indexOf('--stack');
  if (at !== -1) {
    const value = ours[at + 1];
    if (!value || value.startsWith('-')) throw new Error('--stack needs a value: prod, staging or local');
    stack = value;
    ours.splice(at, 2);
  }
  const [pkg, ...more] = ours;
  if (!pkg || pkg.startsWith('-')) {
    throw new Error('usage: pnpm wrangler <space|io|agency|ltd> [--stack prod|staging|local] -- <wrangler args>');
  }
  return { pkg, stack, args: [...more, ...theirs] };
}

/** Commands that act on data in wrangler's local copy unless told otherwise (each binding kind says which are its). */
function readsDataLocallyByDefault(args: readonly string[]): boolean {
  return BINDING_KINDS.some((kind) => kind.localByDefault?.(args) === true);
}

/**
 * Whether the command needs the stack's resource ids: everything but the pages commands that only read a project
 * (`pages deployment list`, `tail`), which then work before the stack's ids can be known.
 */
export function needsBindings(args: readonly string[]): boolean {
  const [group, sub] = args;
  return group !== 'pages' || sub === 'deploy' || sub === 'publish' || sub === 'dev' || sub === 'functions';
}

/** Pages commands that act on one project, and so take `--project-name`. */
function takesProjectName(args: readonly string[]): boolean {
  const [group, sub, subsub] = args;
  if (group !== 'pages') return false;
  if (sub === 'deploy' || sub === 'publish') return true;
  if (sub === 'deployment') return subsub === 'list' || subsub === 'tail' || subsub === 'create';
  if (sub === 'secret') return true;
  return false;
}

const LOCATION_FLAGS = ['--remote', '--local', '--preview', '--persist-to'];

export interface StackCommand {
  args: string[];
  /**
   * Where wrangler runs: pages commands refuse a config path, so they run in the folder of the stack's config (and
   * never see the package's own, whose placeholders a `pages deploy` would ship); every other command runs where
   * you are, with `--config`.
   */
  runIn: 'config-folder' | 'here';
  /** What was added to your arguments, to say so. */
  added: string[];
}

/**
 * Your wrangler arguments, completed so the command acts on the stack's resources: `--remote` for D1 and KV data
 * commands (wrangler would read its local copy), `--project-name` for pages commands, `--config` for the rest.
 * Anything you give yourself wins. Added flags go before a `--` of yours.
 */
export function stackCommand(args: readonly string[], projectName: string, configPath: string): StackCommand {
  const has = (flag: string) => args.some((a) => a === flag || a.startsWith(`${flag}=`));
  const added: string[] = [];
  if (readsDataLocallyByDefault(args) && !LOCATION_FLAGS.some(has)) added.push('--remote');
  const pages = args[0] === 'pages';
  if (takesProjectName(args) && !has('--project-name')) added.push('--project-name', projectName);
  if (!pages && !has('--config') && !has('-c')) added.push('--config', configPath);
  const dashes = args.indexOf('--');
  const full = dashes === -1 ? [...args, ...added] : [...args.slice(0, dashes), ...added, ...args.slice(dashes)];
  return { args: full, runIn: pages ? 'config-folder' : 'here', added };
}
