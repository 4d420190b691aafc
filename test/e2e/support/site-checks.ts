/**
 * What each deployed site must show, taken from its own seed migration and home page: a seeded D1 row, and on a
 * second visit the home page's KV snapshot (`home:snapshot`, written with a TTL on the first visit) read back from
 * KV instead of computed.
 */
export interface SiteCheck {
  path: string;
  /** Text of a row the app's first migration seeds. */
  d1Text: string;
  /** Matches the second visit's KV snapshot, as served from KV (no ", just computed"). */
  kvText: RegExp;
  /** A source file the tests may edit to change the build (relative to the package). */
  editableFile: string;
  /** The first migration's file name. */
  firstMigration: string;
  /** SQL a test migration adds to make a new row visible on `path`, and the text it shows (only where used). */
  visibleInsert?: string;
  visibleText?: string;
}

const KV_SNAPSHOT_FROM_KV = /KV home:snapshot, cached \d{4}-\d{2}-\d{2}T[\d:.]+Z\)/;

export const SITE_CHECKS: Record<'space' | 'io' | 'agency' | 'ltd', SiteCheck> = {
  space: {
    path: '/',
    d1Text: 'Spring Physics Playground',
    kvText: KV_SNAPSHOT_FROM_KV,
    editableFile: 'src/routes/+page.svelte',
    firstMigration: '0001_experiments.sql',
  },
  io: {
    path: '/',
    d1Text: 'Edge-First SvelteKit',
    kvText: KV_SNAPSHOT_FROM_KV,
    editableFile: 'src/routes/+page.svelte',
    firstMigration: '0001_articles.sql',
  },
  agency: {
    path: '/',
    d1Text: 'Motion Systems',
    kvText: KV_SNAPSHOT_FROM_KV,
    editableFile: 'src/routes/+page.svelte',
    firstMigration: '0001_inquiries.sql',
  },
  ltd: {
    path: '/',
    d1Text: 'Infrastructure is code',
    kvText: KV_SNAPSHOT_FROM_KV,
    editableFile: 'src/routes/+page.svelte',
    firstMigration: '0001_principles.sql',
    visibleInsert:
      "INSERT INTO principles (id, title, body) VALUES (900, 'Schema before code', 'Applied by a migration the end-to-end test added.');",
    visibleText: 'Schema before code',
  },
};
