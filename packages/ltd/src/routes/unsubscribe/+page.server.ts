import { bindings } from '@create-something/app-kit/server/bindings';
import { readForm } from '@create-something/app-kit/server/body';
import { clientId } from '@create-something/app-kit/server/client';
import { limitRequest } from '@create-something/app-kit/server/rate-limit';
import { error, fail } from '@sveltejs/kit';
import { z } from 'zod';
import { UNSUBSCRIBE_LIMIT, unsubscribe } from '#lib/server/newsletter.ts';
import { unsubscribeSecret, verifyUnsubscribe } from '#lib/server/unsubscribe.ts';
import type { Actions, PageServerLoad } from './$types';

const linkSchema = z.object({
  email: z.string().trim().min(3, 'the address is missing').max(254, 'the address is too long'),
  token: z.string().min(1, 'the signature is missing').max(100, 'the signature is too long'),
});

const INVALID =
  'This unsubscribe link is not valid (its signature does not match the address). Use the link from the newsletter as it is.';

/**
 * The link from a newsletter opens a page with one button: following the link changes nothing, because mail
 * scanners open links on their own; the POST does the deleting. Both check the signature.
 */
export const load: PageServerLoad = async ({ platform, request, url }) => {
  const secret = unsubscribeSecret(platform);
  // After the button, the action has checked the form and its answer (429 included) is what the page shows.
  if (request.method === 'POST') {
    return { email: url.searchParams.get('email') ?? '', token: url.searchParams.get('token') ?? '' };
  }
  const link = linkSchema.safeParse({
    email: url.searchParams.get('email') ?? '',
    token: url.searchParams.get('token') ?? '',
  });
  if (!link.success)
    throw error(400, `This unsubscribe link is incomplete: ${link.error.issues.map((i) => i.message).join('; ')}.`);
  if (!(await verifyUnsubscribe(secret, link.data.email, link.data.token))) throw error(400, INVALID);
  return { email: link.data.email, token: link.data.token };
};

export const actions: Actions = {
  default: async (event) => {
    const { db } = bindings(event.platform);
    const secret = unsubscribeSecret(event.platform);
    const form = await readForm(event.request);
    const link = linkSchema.safeParse({
      email: String(form.get('email') ?? ''),
      token: String(form.get('token') ?? ''),
    });
    if (!link.success)
      return fail(400, { message: `The form is incomplete: ${link.error.issues.map((i) => i.message).join('; ')}.` });
    const limit = await limitRequest(event, db, UNSUBSCRIBE_LIMIT, await clientId(event));
    if (!limit.allowed) return fail(429, { message: limit.message });
    if (!(await verifyUnsubscribe(secret, link.data.email, link.data.token))) return fail(400, { message: INVALID });
    await unsubscribe(db, link.data.email);
    // The same answer whether or not the address was still on the list.
    return { removed: true, email: link.data.email.toLowerCase() };
  },
};
