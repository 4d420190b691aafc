/**
 * Where the local emulator serves what was deployed: by Host name on the API's own port. Real Cloudflare URLs come
 * from the Pages project (its `subdomain`) instead, since Cloudflare may add a suffix to a taken name.
 */
export function emulatorOrigin(apiBaseUrl: string | undefined): { port: string } | undefined {
  if (!apiBaseUrl) return undefined;
  const url = new URL(apiBaseUrl);
  if (!isLoopback(url.hostname)) return undefined;
  return { port: url.port || (url.protocol === 'https:' ? '443' : '80') };
}

export function isLoopback(hostname: string): boolean {
  return hostname === 'localhost' || hostname === '[::1]' || /^127(\.\d{1,3}){3}$/.test(hostname);
}

export function localPagesUrl(port: string, project: string, branch?: string): string {
  return `http://${branch ? `${branch}.` : ''}${project}.pages.localhost:${port}/`;
}

export function localWorkerUrl(port: string, script: string): string {
  return `http://${script}.workers.localhost:${port}/`;
}
