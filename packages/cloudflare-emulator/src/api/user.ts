import { type Context, Hono } from 'hono';
import { ok, paginate } from '../envelope.ts';
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
  // Paged like Cloudflare's lists: a page past the end is empty. The SDK's iterators ask for the next page until one
  // comes back empty, so answering page 1 to every page makes them loop forever.
  const paged = (c: Context, items: unknown[]) => {
    const { slice, info } = paginate(items, Number(c.req.query('page') ?? 1), Number(c.req.query('per_page') ?? 20));
    return ok(c, slice, info);
  };
  app.get('/memberships', (c) =>
    paged(c, [
      { id: 'membership-local', status: 'accepted', account: account(), roles: ['Administrator'], permissions: {} },
    ]),
  );
  // Analytics are not emulated: GraphQL answers with no data, which `wrangler d1 info` shows as zero usage.
  app.post('/graphql', (c) => c.json({ data: { viewer: { accounts: [] } }, errors: null }));
  app.get('/accounts', (c) => paged(c, [account()]));
  app.get('/accounts/:accountId', (c) => ok(c, account()));
  return app;
}
