import { bindings } from '@create-something/app-kit/server/bindings';
import { readForm } from '@create-something/app-kit/server/body';
import { cachedJson } from '@create-something/app-kit/server/kv-cache';
import { fail } from '@sveltejs/kit';
import { listPrinciples, recentSignups, signupSchema, subscribe } from '#lib/server/newsletter.ts';
import type { Actions, PageServerLoad } from './$types';

const SNAPSHOT_KEY = 'home:snapshot';
const SNAPSHOT_TTL_SECONDS = 300;

export const load: PageServerLoad = async ({ platform }) => {
  const { db, kv } = bindings(platform);
  const principles = await listPrinciples(db);
  const snapshot = await cachedJson(kv, SNAPSHOT_KEY, SNAPSHOT_TTL_SECONDS, async () => {
    const row = await db.prepare('SELECT COUNT(*) AS n FROM subscribers').first<{ n: number }>();
    return { principles: principles.length, subscribers: row?.n ?? 0 };
  });
  return { principles, recent: await recentSignups(kv), snapshot: { key: SNAPSHOT_KEY, ...snapshot } };
};

export const actions: Actions = {
  default: async ({ platform, request }) => {
    const { db, kv } = bindings(platform);
    const form = await readForm(request);
    const values = { email: String(form.get('email') ?? '') };
    const parsed = signupSchema.safeParse(values);
    if (!parsed.success) {
      return fail(400, { message: parsed.error.issues.map((issue) => issue.message).join('; '), values });
    }
    const added = await subscribe(db, kv, parsed.data.email);
    return { subscribed: true, already: !added, email: parsed.data.email };
  },
};
