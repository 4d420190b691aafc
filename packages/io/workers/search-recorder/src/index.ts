import type { ExportedHandler } from '@cloudflare/workers-types';
import { consume } from './consume.ts';

/** A queue consumer only: the Worker has no fetch handler, nothing to call over HTTP. */
export default { queue: consume } satisfies ExportedHandler<Env>;
