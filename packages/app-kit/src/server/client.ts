import { requireSecret } from './secret.ts';

/** Platform env name of the visitor-id key: a secret of each Pages project, one per stack (wrangler.jsonc). */
export const VISITOR_KEY = 'VISITOR_KEY';

/** The request parts `clientId` reads: a SvelteKit `RequestEvent` fits. */
export interface ClientEvent {
  request: Request;
  platform?: { env?: object };
}

/**
 * Who a request counts against: a short, non-reversible id derived from the client IP that Cloudflare's edge sets
 * (`CF-Connecting-IP`; a caller cannot set it), so rate-limit rows and KV keys never hold an address. Requests
 * without one (local tools, the tests' default) share the id `local`.
 *
 * The id is keyed with the project's secret VISITOR_KEY: an unkeyed hash of an IPv4 address is reversed by hashing
 * all 2^32 of them, so a leaked row would have named the address. Without the key this throws a 500 naming it, even
 * for `local`, so a project deployed without it fails on its first counted request instead of counting unkeyed.
 */
export async function clientId(event: ClientEvent): Promise<string> {
  const key = requireSecret(event.platform, VISITOR_KEY, 'visitors cannot be counted for rate limits');
  const ip = event.request.headers.get('cf-connecting-ip');
  if (!ip) return 'local';
  return visitorId(ip, key);
}

/** The last key imported, so a request does not import it again: a project has one key. */
let imported: { secret: string; key: Promise<CryptoKey> } | undefined;

function hmacKey(secret: string): Promise<CryptoKey> {
  if (imported?.secret !== secret) {
    const raw = new TextEncoder().encode(secret);
    imported = { secret, key: crypto.subtle.importKey('raw', raw, { name: 'HMAC', hash: 'SHA-256' }, false, ['sign']) };
  }
  return imported.key;
}

/** HMAC-SHA256 of `ip` keyed by `secret`, first 8 bytes in hex: the same length as the unkeyed ids before it. */
export async function visitorId(ip: string, secret: string): Promise<string> {
  const mac = await crypto.subtle.sign('HMAC', await hmacKey(secret), new TextEncoder().encode(ip));
  return [...new Uint8Array(mac).slice(0, 8)].map((b) => b.toString(16).padStart(2, '0')).join('');
}
