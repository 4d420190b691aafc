import path from 'node:path';
import { describePagesConfig, describeTypesCheck } from '@create-something/app-kit/test/config';
import { describe, expect, it } from 'vitest';
import { unstable_readConfig } from 'wrangler';
import { ROOT } from './harness.ts';

describePagesConfig(ROOT, 'createsomething-space');
describeTypesCheck(ROOT, { stale: ['DB: D1Database;', 'DATABASE: D1Database;'], quiet: true });

describe('the motion-extractor bucket', () => {
  it('binds MEDIA to the bucket infra provisions (shared with the Worker, whose test checks they agree)', () => {
    const config = unstable_readConfig({ config: path.join(ROOT, 'wrangler.jsonc') });
    expect(config.r2_buckets).toEqual([{ binding: 'MEDIA', bucket_name: 'createsomething-space-media' }]);
  });
});
