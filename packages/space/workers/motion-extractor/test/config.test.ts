import path from 'node:path';
import { describeTypesCheck } from '@create-something/app-kit/test/config';
import { describe, expect, it } from 'vitest';
import { unstable_readConfig } from 'wrangler';
import { config, ROOT } from './harness.ts';

describe('wrangler config', () => {
  it('binds DB, KV, MEDIA and BROWSER, sharing the space app database, namespace and bucket', () => {
    const space = unstable_readConfig({ config: path.join(ROOT, '../../wrangler.jsonc') });
    expect(config.name).toBe('motion-extractor');
    expect(path.relative(ROOT, config.main ?? '')).toBe('src/index.ts');
    expect(config.browser?.binding).toBe('BROWSER');
    expect(config.d1_databases[0]).toMatchObject({
      binding: 'DB',
      database_name: space.d1_databases[0]?.database_name,
      database_id: space.d1_databases[0]?.database_id,
    });
    expect(path.resolve(ROOT, config.d1_databases[0]?.migrations_dir ?? '')).toBe(
      path.resolve(ROOT, '../../migrations'),
    );
    expect(config.kv_namespaces[0]).toMatchObject({ binding: 'KV', id: space.kv_namespaces[0]?.id });
    expect(config.r2_buckets).toEqual([{ binding: 'MEDIA', bucket_name: 'createsomething-space-media' }]);
    expect(space.r2_buckets).toEqual(config.r2_buckets);
    expect(config.compatibility_date).toBe(space.compatibility_date);
  });
});

describeTypesCheck(ROOT, { stale: ['BROWSER:', 'BROWSR:'] });
