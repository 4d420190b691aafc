import { describePagesConfig, describeTypesCheck } from '@create-something/app-kit/test/config';
import { ROOT } from './harness.ts';

describePagesConfig(ROOT, 'createsomething-space');
describeTypesCheck(ROOT, { stale: ['DB: D1Database;', 'DATABASE: D1Database;'], quiet: true });
