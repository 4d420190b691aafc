import { bindings } from '@create-something/app-kit/server/bindings';
import { json } from '@sveltejs/kit';
import { listExperiments } from '#lib/server/experiments.ts';
import type { RequestHandler } from './$types';

/** Experiments with their view counts, for scripts and dashboards. */
export const GET: RequestHandler = async ({ platform }) => {
  const { db } = bindings(platform);
  return json({ experiments: await listExperiments(db) });
};
