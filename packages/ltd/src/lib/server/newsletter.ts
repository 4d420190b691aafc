import type { RateRule } from '@create-something/app-kit/server/rate-limit';
import { countEvent, recentEvents } from '@create-something/app-kit/server/recent-count';
import { z } from 'zod';

export interface Principle {
  id: number;
  title: string;
  body: string;
}

export const signupSchema = z.object({
  email: z
    .string()
    .trim()
    .max(254, 'Email is too long')
    .pipe(z.email({ message: 'Enter a valid email address' })),
});

/** Signups per visitor: a person subscribes once; a script trying addresses is stopped after a few. */
export const SIGNUP_LIMIT: RateRule = { name: 'signup', limit: 5, windowSeconds: 10 * 60 };
/** Unsubscribe attempts per visitor (each one checks a signature). */
export const UNSUBSCRIBE_LIMIT: RateRule = { name: 'unsubscribe', limit: 10, windowSeconds: 10 * 60 };

/** The recent-count counter behind "N signups in the last hour". */
const SIGNUPS = 'signups';

export async function listPrinciples(db: D1Database): Promise<Principle[]> {
  const { results } = await db.prepare('SELECT id, title, body FROM principles ORDER BY id').all<Principle>();
  return results;
}

/**
 * Subscribes `email` (stored once, lower-cased) and counts the signup, in one batch. Nothing here depends on whether
 * the address was already on the list: the same statements run and the caller gets no answer to pass on, so the
 * page cannot tell anyone whether an address is subscribed. For the same reason the public counter counts signups
 * (every accepted submission), not new subscribers.
 */
export async function subscribe(db: D1Database, email: string): Promise<void> {
  await db.batch([
    db.prepare('INSERT OR IGNORE INTO subscribers (email) VALUES (?)').bind(email.toLowerCase()),
    ...countEvent(db, SIGNUPS),
  ]);
}

/** Deletes the address (no tombstone is kept). Answers nothing, so the page says the same for unknown addresses. */
export async function unsubscribe(db: D1Database, email: string): Promise<void> {
  await db.prepare('DELETE FROM subscribers WHERE email = ?').bind(email.trim().toLowerCase()).run();
}

export function recentSignups(db: D1Database): Promise<number> {
  return recentEvents(db, SIGNUPS, 60);
}
