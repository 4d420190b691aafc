import { bindings } from '@create-something/app-kit/server/bindings';
import { readForm } from '@create-something/app-kit/server/body';
import { clientId } from '@create-something/app-kit/server/client';
import { cachedJson } from '@create-something/app-kit/server/kv-cache';
import { limitRequest } from '@create-something/app-kit/server/rate-limit';
import { fail } from '@sveltejs/kit';
import { listPrinciples, recentSignups, SIGNUP_LIMIT, signupSchema, subscribe } from '#lib/server/newsletter.ts';
import type { Actions, PageServerLoad } from './$types';

const SNAPSHOT_KEY = 'home:snapshot';
const SNAPSHOT_TTL_SECONDS = 300;

export const load: PageServerLoad = async ({ platform }) => {
  const { db, kv } = bindings(platform);
  const principles = await listPrinciples(db);
  // No subscriber total here: it moves only for new addresses, so reading it around a signup would tell whether
  // the address was already on the list.
  const snapshot = await cachedJson(kv, SNAPSHOT_KEY, SNAPSHOT_TTL_SECONDS, async () => ({
    principles: principles.length,
  }));
  return { principles, recent: await recentSignups(db), snapshot: { key: SNAPSHOT_KEY, ...snapshot } };
};

export const actions: Actions = {
  default: async (event) => {
    const { db } = bindings(event.platform);
    const form = await readForm(event.request);
    const values = { email: String(form.get('email') ?? '') };
    const parsed = signupSchema.safeParse(values);
    if (!parsed.success) {
      return fail(400, { message: parsed.error.issues.map((issue) => issue.message).join('; '), values });
    }
    const limit = await limitRequest(event, db, SIGNUP_LIMIT, await clientId(event));
    if (!limit.allowed) return fail(429, { message: limit.message, values });
    await subscribe(db, parsed.data.email);
    // The same answer whether or not the address was on the list already.
    return { subscribed: true, email: parsed.data.email };
  },
};
