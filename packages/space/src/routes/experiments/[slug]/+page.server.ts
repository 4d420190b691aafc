import { bindings } from '@create-something/app-kit/server/bindings';
import { readForm } from '@create-something/app-kit/server/body';
import { clientId } from '@create-something/app-kit/server/client';
import { limitRequest } from '@create-something/app-kit/server/rate-limit';
import { error, fail } from '@sveltejs/kit';
import {
  getExperiment,
  listNotes,
  NOTE_LIMIT,
  noteSchema,
  recentVisitors,
  recordView,
  slugSchema,
} from '#lib/server/experiments.ts';
import type { Actions, PageServerLoad } from './$types';

function parseSlug(raw: string): string {
  const slug = slugSchema.safeParse(raw);
  if (!slug.success)
    throw error(400, `Invalid experiment name "${raw.slice(0, 80)}": ${slug.error.issues[0]?.message}`);
  return slug.data;
}

export const load: PageServerLoad = async ({ params, platform, request }) => {
  const { db, kv } = bindings(platform);
  const slug = parseSlug(params.slug);
  if (!(await getExperiment(db, slug))) throw error(404, `No experiment named "${slug}"`);
  const counted = await recordView(db, kv, slug, await clientId({ request, platform }));
  const [experiment, notes, visitors] = await Promise.all([
    getExperiment(db, slug),
    listNotes(db, slug),
    recentVisitors(db, slug),
  ]);
  if (!experiment) throw error(404, `No experiment named "${slug}"`);
  return { experiment, notes, visitors, counted };
};

export const actions: Actions = {
  default: async (event) => {
    const { params, platform, request } = event;
    const { db } = bindings(platform);
    const slug = parseSlug(params.slug);
    const form = await readForm(request);
    const values = { author: String(form.get('author') ?? ''), body: String(form.get('body') ?? '') };
    const parsed = noteSchema.safeParse(values);
    if (!parsed.success) {
      return fail(400, { message: parsed.error.issues.map((issue) => issue.message).join('; '), values });
    }
    if (!(await getExperiment(db, slug))) throw error(404, `No experiment named "${slug}"`);
    const limit = await limitRequest(event, db, NOTE_LIMIT, await clientId(event));
    if (!limit.allowed) return fail(429, { message: limit.message, values });
    await db
      .prepare('INSERT INTO experiment_notes (slug, author, body) VALUES (?, ?, ?)')
      .bind(slug, parsed.data.author, parsed.data.body)
      .run();
    return { saved: true };
  },
};
