import { error } from '@sveltejs/kit';

/** Shorter keys than this are refused: a secret that keys an HMAC must not be guessable. */
export const MIN_SECRET_LENGTH = 32;

/**
 * A secret of the Pages project from the platform env, or a 500 naming it (fails closed: without its key a route
 * does nothing rather than something unkeyed). `consequence` says what cannot be done without it.
 */
export function requireSecret(platform: { env?: object } | undefined, name: string, consequence: string): string {
  const secret = (platform?.env as Record<string, unknown> | undefined)?.[name];
  if (typeof secret !== 'string' || secret.length === 0) {
    throw error(500, `Missing secret ${name}: ${consequence}. Set it on the Pages project.`);
  }
  if (secret.length < MIN_SECRET_LENGTH) {
    throw error(500, `Secret ${name} is shorter than ${MIN_SECRET_LENGTH} characters; set a longer random one.`);
  }
  return secret;
}
