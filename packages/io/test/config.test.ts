import path from 'node:path';
import { describePagesConfig, describeTypesCheck } from '@create-something/app-kit/test/config';
import { describe, expect, it } from 'vitest';
import { unstable_readConfig } from 'wrangler';
import { ROOT } from './harness.ts';

describePagesConfig(ROOT, 'createsomething-io');
describeTypesCheck(ROOT, { stale: ['DB: D1Database;', 'DATABASE: D1Database;'], quiet: true });

describe('the searches queue', () => {
  it('sends searches to the queue the search-recorder Worker consumes', () => {
    const config = unstable_readConfig({ config: path.join(ROOT, 'wrangler.jsonc') });
    expect(config.queues.producers).toEqual([{ binding: 'SEARCHES', queue: 'createsomething-io-searches' }]);
  });
});
