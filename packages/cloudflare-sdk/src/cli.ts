import { createCloudflare } from './client.js';
import { CloudflareSdkError } from './errors.js';
import type { CloudflareClient } from './types.js';

const USAGE = `usage: cf-sdk <command>

  kv namespaces                      list KV namespaces
  kv keys <namespace> [prefix]       list keys (namespace by id or title)
  kv get <namespace> <key>           print a value
  d1 list                            list D1 databases
  d1 query <database> "<sql>" [param ...]
                                     run SQL (database by name or id), print the rows as JSON
  pages projects                     list Pages projects
  pages deployments <project>        list a project's deployments
  pages latest <project>             the project's latest deployment

Credentials: CLOUDFLARE_API_TOKEN, CLOUDFLARE_ACCOUNT_ID; base URL: CLOUDFLARE_BASE_URL (ends in /client/v4).`;

class UsageError extends Error {}

function need(args: string[], count: number, usage: string): string[] {
  if (args.length < count) throw new UsageError(`missing arguments: ${usage}`);
  return args;
}

/** Numbers look like numbers on a command line; bind them as numbers so SQLite compares them as such. */
function parseParam(raw: string): string | number {
  return /^-?\d+(\.\d+)?$/.test(raw) ? Number(raw) : raw;
}

async function dispatch(cf: () => CloudflareClient, [area, command, ...rest]: string[]): Promise<unknown> {
  switch (`${area} ${command}`) {
    case 'kv namespaces':
      return cf().kv.listNamespaces();
    case 'kv keys': {
      const [ns, prefix] = need(rest, 1, 'kv keys <namespace> [prefix]');
      return cf().kv.listKeys(ns as string, prefix === undefined ? {} : { prefix });
    }
    case 'kv get': {
      const [ns, key] = need(rest, 2, 'kv get <namespace> <key>');
      const value = await cf().kv.get(ns as string, key as string);
      if (value === null) throw new UsageError(`no key "${key}" in KV namespace "${ns}"`);
      return value;
    }
    case 'd1 list':
      return cf().d1.listDatabases();
    case 'd1 query': {
      const [db, sql, ...params] = need(rest, 2, 'd1 query <database> "<sql>" [param ...]');
      return cf().d1.query(db as string, sql as string, params.map(parseParam));
    }
    case 'pages projects':
      return cf().pages.listProjects();
    case 'pages deployments':
      return cf().pages.listDeployments(need(rest, 1, 'pages deployments <project>')[0] as string);
    case 'pages latest':
      return cf().pages.latestDeployment(need(rest, 1, 'pages latest <project>')[0] as string);
    default:
      throw new UsageError(area === undefined ? 'no command given' : `unknown command "${[area, command].join(' ')}"`);
  }
}

/** Runs the CLI; resolves to the process exit code. */
export async function main(argv: string[], out = process.stdout, err = process.stderr): Promise<number> {
  if (argv[0] === '--help' || argv[0] === '-h') {
    out.write(`${USAGE}\n`);
    return 0;
  }
  try {
    const result = await dispatch(() => createCloudflare(), argv);
    out.write(typeof result === 'string' ? `${result}\n` : `${JSON.stringify(result, null, 2)}\n`);
    return 0;
  } catch (error) {
    if (error instanceof UsageError) {
      err.write(`cf-sdk: ${error.message}\n\n${USAGE}\n`);
      return 2;
    }
    if (error instanceof CloudflareSdkError) {
      err.write(`cf-sdk: ${error.message}\n`);
      return 1;
    }
    throw error;
  }
}
