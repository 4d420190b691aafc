import type { Services } from '../api/context.ts';
import type { Deployment } from '../pages/types.ts';
import { contentTypeFor } from './content-type.ts';
import { applyHeaders, type HeaderRule } from './pages-rules.ts';

function lookup(manifest: Record<string, string>, path: string): string | undefined {
  const candidates = path.endsWith('/') ? [`${path}index.html`] : [path, `${path}.html`, `${path}/index.html`];
  return candidates.find((c) => manifest[c] !== undefined);
}

/** Nearest 404.html walking up from the path; without any, Pages serves the root index.html (SPA mode). */
function notFoundPage(manifest: Record<string, string>, path: string): { file: string; status: number } | undefined {
  const has404 = Object.keys(manifest).some((k) => k.endsWith('/404.html'));
  if (has404) {
    const parts = path.split('/').slice(0, -1);
    while (parts.length > 0) {
      const candidate = `${parts.join('/')}/404.html`;
      if (manifest[candidate] !== undefined) return { file: candidate, status: 404 };
      parts.pop();
    }
    return undefined;
  }
  if (manifest['/index.html'] !== undefined) return { file: '/index.html', status: 200 };
  return undefined;
}

/** Serve a deployment's static files the way Pages does, with its `_headers` applied. */
export function serveAsset(s: Services, d: Deployment, headerRules: HeaderRule[], request: Request): Response {
  const url = new URL(request.url);
  let path: string;
  try {
    path = decodeURIComponent(url.pathname);
  } catch {
    path = url.pathname;
  }
  const manifest = d.files.manifest;
  let file = lookup(manifest, path);
  let status = 200;
  if (!file) {
    const fallback = notFoundPage(manifest, path);
    if (!fallback) return new Response('Not found', { status: 404, headers: { 'content-type': 'text/plain' } });
    file = fallback.file;
    status = fallback.status;
  }
  const data = s.blobs.get(manifest[file] as string);
  if (!data) return new Response('Asset missing from store', { status: 404 });
  const headers = new Headers({
    'content-type': contentTypeFor(file),
    etag: `"${manifest[file]}"`,
    'access-control-allow-origin': '*',
  });
  applyHeaders(headerRules, path, headers);
  if (request.headers.get('if-none-match') === `"${manifest[file]}"`)
    return new Response(null, { status: 304, headers });
  const body = request.method === 'HEAD' ? null : new Uint8Array(data);
  return new Response(body, { status, headers });
}
