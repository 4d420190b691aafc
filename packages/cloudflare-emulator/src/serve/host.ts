export type ServedTarget = { kind: 'pages'; project: string; label?: string } | { kind: 'worker'; script: string };

/**
 * `<project>.pages.localhost` is production, `<label>.<project>.pages.localhost` a branch alias or deployment short
 * id, `<script>.workers.localhost` a Worker. Anything else is the API.
 */
export function parseHost(host: string | undefined): ServedTarget | undefined {
  if (!host) return undefined;
  const name = host.replace(/:\d+$/, '').toLowerCase();
  const pages = /^(?:([a-z0-9-]+)\.)?([a-z0-9-]+)\.pages\.localhost$/.exec(name);
  if (pages)
    return pages[1]
      ? { kind: 'pages', project: pages[2] as string, label: pages[1] }
      : { kind: 'pages', project: pages[2] as string };
  const worker = /^([a-z0-9-_]+)\.workers\.localhost$/.exec(name);
  if (worker) return { kind: 'worker', script: worker[1] as string };
  return undefined;
}
