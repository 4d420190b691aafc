import { buildAppOnce } from '@create-something/app-kit/test/build';

/** Builds the app once for the whole test run; the tests serve the build output on Miniflare. */
export default buildAppOnce(new URL('..', import.meta.url), 'io');
