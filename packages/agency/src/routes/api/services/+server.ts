import { bindings } from '@create-something/app-kit/server/bindings';
import { json } from '@sveltejs/kit';
import { listServices } from '#lib/server/inquiries.ts';
import type { RequestHandler } from './$types';

/** Services with their inquiry counts, for scripts and dashboards. */
export const GET: RequestHandler = async ({ platform }) => {
  const { db } = bindings(platform);
  return json({ services: await listServices(db) });
};
