/**
 * Who a request counts against: a short, non-reversible id derived from the client IP that Cloudflare's edge sets
 * (`CF-Connecting-IP`; a caller cannot set it), so rate-limit rows and KV keys never hold an address. Requests
 * without one (local tools, the tests' default) share the id `local`.
 */
export async function clientId(request: Request): Promise<string> {
  const ip = request.headers.get('cf-connecting-ip');
  if (!ip) return 'local';
  const digest = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(`createsomething:${ip}`));
  return [...new Uint8Array(digest).slice(0, 8)].map((b) => b.toString(16).padStart(2, '0')).join('');
}
