import { bindings } from '@create-something/app-kit/server/bindings';
import { cachedJson } from '@create-something/app-kit/server/kv-cache';
import { listExperiments } from '#lib/server/experiments.ts';
import type { PageServerLoad } from './$types';

/** The lab-wide totals are cheap but change slowly: cache them in KV for five minutes. */
const SNAPSHOT_KEY = 'home:snapshot';
const SNAPSHOT_TTL_SECONDS = 300;

export const load: PageServerLoad = async ({ platform }) => {
  const { db, kv } = bindings(platform);
  const experiments = await listExperiments(db);
  const snapshot = await cachedJson(kv, SNAPSHOT_KEY, SNAPSHOT_TTL_SECONDS, async () => {
    const totals = await db
      .prepare('SELECT COUNT(*) AS experiments, COALESCE(SUM(views), 0) AS views FROM experiments')
      .first<{ experiments: number; views: number }>();
    return { experiments: totals?.experiments ?? 0, totalViews: totals?.views ?? 0 };
  });
  return { experiments, snapshot: { key: SNAPSHOT_KEY, ...snapshot } };
};
