import { Hono } from 'hono';
import { ok } from '../envelope.ts';
import type { Services } from './context.ts';

/** Identity endpoints wrangler calls to find out who it is and which accounts it may use. */
export function userRoutes(s: Services): Hono {
  const app = new Hono();
  const account = () => ({
    id: s.accountId,
    name: 'Local Emulator Account',
    type: 'standard',
    settings: {},
    created_on: '2024-01-01T00:00:00Z',
  });

  app.get('/user/tokens/verify', (c) =>
    ok(c, { id: 'e5c0ffee0000000000000000000000ff', status: 'active', not_before: null, expires_on: null }),
  );
  app.get('/user', (c) =>
    ok(c, {
      id: '7c5dae5552338874e5053f2534d2767a',
      email: 'local@emulator.localhost',
      first_name: 'Local',
      last_name: 'Emulator',
      has_pro_zones: false,
      has_business_zones: false,
      has_enterprise_zones: false,
      suspended: false,
      two_factor_authentication_enabled: false,
      organizations: [],
    }),
  );
  app.get('/memberships', (c) =>
    ok(
      c,
      [{ id: 'membership-local', status: 'accepted', account: account(), roles: ['Administrator'], permissions: {} }],
      { page: 1, per_page: 20, count: 1, total_count: 1, total_pages: 1 },
    ),
  );
  // Analytics are not emulated: GraphQL answers with no data, which `wrangler d1 info` shows as zero usage.
  app.post('/graphql', (c) => c.json({ data: { viewer: { accounts: [] } }, errors: null }));
  app.get('/accounts', (c) => ok(c, [account()], { page: 1, per_page: 20, count: 1, total_count: 1, total_pages: 1 }));
  app.get('/accounts/:accountId', (c) => ok(c, account()));
  return app;
}
