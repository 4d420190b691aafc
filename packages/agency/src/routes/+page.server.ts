import { bindings } from '@create-something/app-kit/server/bindings';
import { readForm } from '@create-something/app-kit/server/body';
import { clientId } from '@create-something/app-kit/server/client';
import { cachedJson } from '@create-something/app-kit/server/kv-cache';
import { limitRequest } from '@create-something/app-kit/server/rate-limit';
import { fail } from '@sveltejs/kit';
import { INQUIRY_LIMIT, inquirySchema, listServices, saveInquiry, serviceExists } from '#lib/server/inquiries.ts';
import type { Actions, PageServerLoad } from './$types';

const SNAPSHOT_KEY = 'home:snapshot';
const SNAPSHOT_TTL_SECONDS = 300;
const FIELDS = ['name', 'email', 'company', 'service', 'message'] as const;

export const load: PageServerLoad = async ({ platform }) => {
  const { db, kv } = bindings(platform);
  const services = await listServices(db);
  const snapshot = await cachedJson(kv, SNAPSHOT_KEY, SNAPSHOT_TTL_SECONDS, async () => {
    const row = await db.prepare('SELECT COUNT(*) AS n FROM inquiries').first<{ n: number }>();
    return { services: services.length, inquiries: row?.n ?? 0 };
  });
  return { services, snapshot: { key: SNAPSHOT_KEY, ...snapshot } };
};

export const actions: Actions = {
  default: async (event) => {
    const { platform, request } = event;
    const { db } = bindings(platform);
    const form = await readForm(request);
    const values = Object.fromEntries(FIELDS.map((field) => [field, String(form.get(field) ?? '')]));
    const parsed = inquirySchema.safeParse(values);
    if (!parsed.success) {
      return fail(400, { message: parsed.error.issues.map((issue) => issue.message).join('; '), values });
    }
    if (!(await serviceExists(db, parsed.data.service))) {
      return fail(400, { message: `Unknown service "${parsed.data.service}": choose one from the list`, values });
    }
    // Counted after validation: a mistyped form does not spend the visitor's budget.
    const limit = await limitRequest(event, db, INQUIRY_LIMIT, await clientId(event));
    if (!limit.allowed) {
      const minutes = Math.ceil(limit.retryAfterSeconds / 60);
      return fail(429, { message: `Too many inquiries from you just now; try again in ${minutes} min.`, values });
    }
    await saveInquiry(db, parsed.data);
    return { saved: true, name: parsed.data.name };
  },
};
