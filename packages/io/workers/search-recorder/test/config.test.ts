import path from 'node:path';
import { describeTypesCheck } from '@create-something/app-kit/test/config';
import { describe, expect, it } from 'vitest';
import { unstable_readConfig } from 'wrangler';
import { config, ROOT } from './harness.ts';

describe('wrangler config', () => {
  const io = unstable_readConfig({ config: path.join(ROOT, '../../wrangler.jsonc') });

  it("binds io's D1 database as DB, with io's migrations", () => {
    expect(config.name).toBe('search-recorder');
    expect(path.relative(ROOT, config.main ?? '')).toBe('src/index.ts');
    expect(config.d1_databases).toHaveLength(1);
    expect(config.d1_databases[0]).toMatchObject({
      binding: 'DB',
      database_name: io.d1_databases[0]?.database_name,
      database_id: io.d1_databases[0]?.database_id,
    });
    expect(path.resolve(ROOT, config.d1_databases[0]?.migrations_dir ?? '')).toBe(
      path.resolve(ROOT, '../../migrations'),
    );
  });

  it('consumes the queue io produces to, 10 per batch or within 5 s', () => {
    expect(config.queues.consumers).toEqual([
      { queue: 'createsomething-io-searches', max_batch_size: 10, max_batch_timeout: 5 },
    ]);
    expect(io.queues.producers).toEqual([{ binding: 'SEARCHES', queue: 'createsomething-io-searches' }]);
  });

  it('has the compatibility date of the other Worker', () => {
    const other = unstable_readConfig({
      config: path.join(ROOT, '../../../space/workers/motion-extractor/wrangler.jsonc'),
    });
    expect(config.compatibility_date).toBe(other.compatibility_date);
  });
});

describeTypesCheck(ROOT, { stale: ['DB: D1Database;', 'DATABASE: D1Database;'] });
