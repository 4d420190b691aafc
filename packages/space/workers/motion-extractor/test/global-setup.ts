import { bundleWorkerOnce } from '@create-something/app-kit/test/build';

/** Bundles the Worker once for the whole test run; the tests run the bundle on Miniflare. */
export default bundleWorkerOnce(new URL('..', import.meta.url), 'motion-extractor');
