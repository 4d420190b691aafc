/**
 * A short, non-reversible visitor id derived from the client IP, so KV keys never hold raw addresses.
 * Requests without a client IP (local tools) share the id "local".
 */
export async function visitorId(request: Request): Promise<string> {
  const ip = request.headers.get('cf-connecting-ip');
  if (!ip) return 'local';
  const digest = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(`createsomething:${ip}`));
  return [...new Uint8Array(digest).slice(0, 8)].map((b) => b.toString(16).padStart(2, '0')).join('');
}
