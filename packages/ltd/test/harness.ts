import { pagesHarness, type RunningApp, type StartOptions } from '@create-something/app-kit/test/harness';

/** This app's build output served on Miniflare (see @create-something/app-kit/test/harness). */
export type { RunningApp, StartOptions } from '@create-something/app-kit/test/harness';

const harness = pagesHarness(new URL('..', import.meta.url));
export const { ROOT, OUTPUT_DIR } = harness;

/** The unsubscribe signing key the tests bind (a deployed project gets its own from its secrets). */
export const TEST_SECRET = 'ltd-test-unsubscribe-secret-0123456789abcdef';

/** The app with UNSUBSCRIBE_SECRET bound, unless a test passes `vars` of its own. */
export function startApp(options: StartOptions = {}): Promise<RunningApp> {
  return harness.startApp({ vars: { UNSUBSCRIBE_SECRET: TEST_SECRET }, ...options });
}
