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

/** Each signup leaves a short-lived KV marker, so the page can say how many joined in the last hour. */
export const RECENT_SIGNUP_TTL_SECONDS = 60 * 60;

export async function listPrinciples(db: D1Database): Promise<Principle[]> {
  const { results } = await db.prepare('SELECT id, title, body FROM principles ORDER BY id').all<Principle>();
  return results;
}

/** Returns false when the address was already subscribed (nothing is written then). */
export async function subscribe(db: D1Database, kv: KVNamespace, email: string): Promise<boolean> {
  const result = await db
    .prepare('INSERT OR IGNORE INTO subscribers (email) VALUES (?)')
    .bind(email.toLowerCase())
    .run();
  if (result.meta.changes === 0) return false;
  await kv.put(`signup:${await digest(email.toLowerCase())}`, JSON.stringify({ at: new Date().toISOString() }), {
    expirationTtl: RECENT_SIGNUP_TTL_SECONDS,
    metadata: { created: Date.now() },
  });
  return true;
}

export async function recentSignups(kv: KVNamespace): Promise<number> {
  return (await kv.list({ prefix: 'signup:' })).keys.length;
}

/** KV keys carry a hash, never the address itself. */
async function digest(text: string): Promise<string> {
  const bytes = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(text));
  return [...new Uint8Array(bytes).slice(0, 12)].map((b) => b.toString(16).padStart(2, '0')).join('');
}
