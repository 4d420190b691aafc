import { requireSecret } from '@create-something/app-kit/server/secret';

/**
 * Signed unsubscribe links: `/unsubscribe?email=<address>&token=<HMAC-SHA256(secret, "unsubscribe:" + address)>`,
 * base64url. Only whoever holds the secret (the newsletter sender) can make a link, so nobody can unsubscribe an
 * address they merely know; a link keeps working for as long as the secret is the same (rotating it voids old links).
 */

/** Platform env name of the signing key: a secret of the Pages project, at least 32 characters. */
export const SECRET_NAME = 'UNSUBSCRIBE_SECRET';

/** The signing key from the platform env, or a 500 naming what is missing (fails closed: no key, no unsubscribe). */
export function unsubscribeSecret(platform: { env?: object } | undefined): string {
  return requireSecret(platform, SECRET_NAME, 'unsubscribe links cannot be checked');
}

const key = (secret: string, usage: 'sign' | 'verify') =>
  crypto.subtle.importKey('raw', new TextEncoder().encode(secret), { name: 'HMAC', hash: 'SHA-256' }, false, [usage]);
const message = (email: string) => new TextEncoder().encode(`unsubscribe:${email.trim().toLowerCase()}`);

export async function signUnsubscribe(secret: string, email: string): Promise<string> {
  const signature = await crypto.subtle.sign('HMAC', await key(secret, 'sign'), message(email));
  return toBase64Url(new Uint8Array(signature));
}

/** Whether `token` signs `email` (compared by WebCrypto's verify, in constant time). */
export async function verifyUnsubscribe(secret: string, email: string, token: string): Promise<boolean> {
  const signature = fromBase64Url(token);
  if (signature?.byteLength !== 32) return false;
  return crypto.subtle.verify('HMAC', await key(secret, 'verify'), signature, message(email));
}

/** The link to put in every newsletter email. */
export async function unsubscribeUrl(origin: string, secret: string, email: string): Promise<string> {
  const url = new URL('/unsubscribe', origin);
  url.searchParams.set('email', email.trim().toLowerCase());
  url.searchParams.set('token', await signUnsubscribe(secret, email));
  return url.href;
}

function toBase64Url(bytes: Uint8Array): string {
  return btoa(String.fromCharCode(...bytes))
    .replace(/\+/g, '-')
    .replace(/\//g, '_')
    .replace(/=+$/, '');
}

function fromBase64Url(text: string): Uint8Array<ArrayBuffer> | null {
  if (!/^[A-Za-z0-9_-]{1,100}$/.test(text)) return null;
  const binary = atob(text.replace(/-/g, '+').replace(/_/g, '/'));
  return Uint8Array.from(binary, (c) => c.charCodeAt(0));
}
