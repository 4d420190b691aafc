/** The one path anyone may call: no secret, no bindings touched, nothing recorded. */
export const HEALTH_PATH = '/health';

/** Name of the secret_text binding that holds the bearer secret (set by infra from a Pulumi secret). */
export const TOKEN_BINDING = 'API_TOKEN';

/**
 * Whether the request carries `Authorization: Bearer <expected>`. Both sides are hashed first and the digests
 * compared in full, so the time taken says nothing about how much of a guess was right.
 */
export async function hasBearer(request: Request, expected: string): Promise<boolean> {
  const match = /^Bearer[ ]+(\S+)[ ]*$/i.exec(request.headers.get('authorization') ?? '');
  const given = match?.[1] ?? '';
  const [a, b] = await Promise.all([sha256(given), sha256(expected)]);
  let difference = given === '' ? 1 : 0;
  for (let i = 0; i < a.length; i++) difference |= (a[i] as number) ^ (b[i] as number);
  return difference === 0;
}

async function sha256(text: string): Promise<Uint8Array> {
  return new Uint8Array(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(text)));
}
