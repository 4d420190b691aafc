import { bindings } from '@create-something/app-kit/server/bindings';
import { readForm } from '@create-something/app-kit/server/body';
import { clientId } from '@create-something/app-kit/server/client';
import { limitRequest } from '@create-something/app-kit/server/rate-limit';
import { error, fail } from '@sveltejs/kit';
import { FEEDBACK_LIMIT, feedbackSchema, getArticle, saveFeedback, slugSchema } from '#lib/server/articles.ts';
import type { Actions, PageServerLoad } from './$types';

function parseSlug(raw: string): string {
  const slug = slugSchema.safeParse(raw);
  if (!slug.success) throw error(400, `Invalid article name "${raw.slice(0, 80)}": ${slug.error.issues[0]?.message}`);
  return slug.data;
}

export const load: PageServerLoad = async ({ params, platform }) => {
  const { db } = bindings(platform);
  const slug = parseSlug(params.slug);
  const article = await getArticle(db, slug);
  if (!article) throw error(404, `No article named "${slug}"`);
  const votes = await db
    .prepare('SELECT COALESCE(SUM(helpful), 0) AS yes, COUNT(*) AS total FROM article_feedback WHERE slug = ?')
    .bind(slug)
    .first<{ yes: number; total: number }>();
  return { article, votes: { yes: votes?.yes ?? 0, total: votes?.total ?? 0 } };
};

export const actions: Actions = {
  default: async (event) => {
    const { params, platform, request } = event;
    const { db } = bindings(platform);
    const slug = parseSlug(params.slug);
    const form = await readForm(request);
    const values = { helpful: String(form.get('helpful') ?? ''), comment: String(form.get('comment') ?? '') };
    const parsed = feedbackSchema.safeParse(values);
    if (!parsed.success) {
      return fail(400, { message: parsed.error.issues.map((issue) => issue.message).join('; '), values });
    }
    if (!(await getArticle(db, slug))) throw error(404, `No article named "${slug}"`);
    const limit = await limitRequest(event, db, FEEDBACK_LIMIT, await clientId(event));
    if (!limit.allowed) return fail(429, { message: limit.message, values });
    await saveFeedback(db, slug, parsed.data.helpful === 'yes', parsed.data.comment);
    return { saved: true };
  },
};
