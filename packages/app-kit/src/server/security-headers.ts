/**
 * The security headers of the four sites, in one place.
 *
 * - Pages SvelteKit renders get their Content-Security-Policy from SvelteKit itself (`contentSecurityPolicy`, given
 *   to `sveltekit({ csp })` in each app's vite.config.ts): it adds a fresh nonce per response for the inline script
 *   that starts hydration, so `script-src` needs no 'unsafe-inline'.
 * - Every response of `_worker.js` gets the other headers (and a deny-all CSP when it has none, e.g. JSON): the
 *   adapter wrapper wraps the worker's `fetch` with `withSecurityHeaders`.
 * - Files Pages serves without the worker (`/_app/immutable/*`, listed in `_routes.json`) get the same non-CSP
 *   headers from the `/*` block the adapter wrapper adds to `_headers` (`headersFileRules`). No CSP there: where
 *   Pages applied both, the two policies would both be enforced.
 */

/** sha256 of the style attribute of SvelteKit's route announcer (`@sveltejs/kit` runtime/components/root.svelte). */
export const ANNOUNCER_STYLE_HASH = 'sha256-S8qMpvofolR8Mpjy4kQvEm7m1q8clzU4dfDH0AmvZjo=';

/** Directives in SvelteKit's form (keywords without quotes; SvelteKit quotes them and adds nonces). */
export const CSP_DIRECTIVES = {
  'default-src': ['none'],
  'script-src': ['self'],
  'style-src': ['self'],
  // SvelteKit's route announcer (the live region that tells screen readers a client-side navigation happened) is
  // a div with a fixed style attribute; this allows that one attribute and no other. test/security-headers.test.ts
  // recomputes the hash from SvelteKit's root component, so an upgrade that changes it fails there.
  'style-src-attr': ['unsafe-hashes', ANNOUNCER_STYLE_HASH],
  'img-src': ['self', 'data:'],
  'font-src': ['self'],
  'connect-src': ['self'],
  'manifest-src': ['self'],
  'form-action': ['self'],
  'base-uri': ['none'],
  'frame-ancestors': ['none'],
  'object-src': ['none'],
} as const;

/** For `sveltekit({ csp: contentSecurityPolicy })`: nonces for rendered pages, hashes if a page is prerendered. */
export const contentSecurityPolicy = {
  mode: 'auto' as const,
  directives: Object.fromEntries(Object.entries(CSP_DIRECTIVES).map(([k, v]) => [k, [...v]])),
};

/** For responses that have no policy of their own (JSON, errors, assets): nothing may run in or embed them. */
export const DENY_ALL_CSP = "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'";

/** Sent with every response, whoever serves it. */
export const SECURITY_HEADERS: Readonly<Record<string, string>> = {
  'x-content-type-options': 'nosniff',
  // Other sites learn the origin of a link's page, never its path or query (an unsubscribe link carries an address).
  'referrer-policy': 'strict-origin-when-cross-origin',
  // frame-ancestors in the CSP is the rule; this is for browsers that predate it.
  'x-frame-options': 'DENY',
  'permissions-policy': 'camera=(), microphone=(), geolocation=(), payment=(), usb=()',
  'cross-origin-opener-policy': 'same-origin',
};

/** `response` with the security headers added (those it already has are kept). */
export function withSecurityHeaders(response: Response): Response {
  // A WebSocket upgrade cannot be copied; the sites have none, but pass one through untouched.
  if (response.status === 101) return response;
  const headers = new Headers(response.headers);
  for (const [name, value] of Object.entries(SECURITY_HEADERS)) if (!headers.has(name)) headers.set(name, value);
  if (!headers.has('content-security-policy')) headers.set('content-security-policy', DENY_ALL_CSP);
  // A fetch Response's headers may be immutable: answer with a copy.
  return new Response(response.body, { status: response.status, statusText: response.statusText, headers });
}

/** The `_headers` rule for everything Pages serves itself. */
export function headersFileRules(): string {
  const lines = Object.entries(SECURITY_HEADERS).map(([name, value]) => `  ${name}: ${value}`);
  return `/*\n${lines.join('\n')}\n`;
}
