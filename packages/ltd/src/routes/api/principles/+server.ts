import { bindings } from '@create-something/app-kit/server/bindings';
import { json } from '@sveltejs/kit';
import { listPrinciples } from '#lib/server/newsletter.ts';
import type { RequestHandler } from './$types';

/** The published principles as JSON. */
export const GET: RequestHandler = async ({ platform }) => {
  const { db } = bindings(platform);
  return json({ principles: await listPrinciples(db) });
};
