import { pagesHarness } from '@create-something/app-kit/test/harness';

/** This app's build output served on Miniflare (see @create-something/app-kit/test/harness). */
export type { RunningApp, StartOptions } from '@create-something/app-kit/test/harness';
export const { ROOT, OUTPUT_DIR, startApp } = pagesHarness(new URL('..', import.meta.url));
