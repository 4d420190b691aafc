import { Hono } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { CfError, fail } from '../envelope.ts';
import { verifyUploadJwt } from '../pages/upload-token.ts';
import type { Services } from './context.ts';
import { d1ImportUpload, d1Routes } from './d1.ts';
import { introspectionRoutes } from './introspection.ts';
import { kvRoutes } from './kv.ts';
import { pagesAssetRoutes, pagesRoutes } from './pages.ts';
import { queuesRoutes } from './queues.ts';
import { r2Routes } from './r2.ts';
import { readOnlyGuard } from './read-only.ts';
import { recorder } from './recorder.ts';
import { userRoutes } from './user.ts';
import { workersRoutes } from './workers.ts';

/** wrangler and the Terraform provider both insist on this shape; the same rule tells a token from garbage. */
export const WELL_FORMED_TOKEN = /^[0-9A-Za-z_-]{40,80}$/;

export function apiApp(s: Services): Hono {
  const app = new Hono();

  app.onError((err, c) => {
    if (err instanceof CfError) return fail(c, err.status, [{ code: err.code, message: err.message }]);
    console.error(`[emulator] ${c.req.method} ${c.req.path} failed:`, err);
    // A bug in the emulator is reported as a 400 rather than 5xx so clients fail fast instead of retrying.
    return fail(c, 400, [{ code: 10000, message: `Emulator error: ${(err as Error).message}` }]);
  });
  app.notFound((c) => {
    s.unknownRoutes.push({ method: c.req.method, path: c.req.path });
    console.warn(`[emulator] unknown route: ${c.req.method} ${c.req.path}`);
    return fail(c, 404, [
      { code: 7003, message: `No route for ${c.req.method} ${c.req.path}: the emulator does not implement it.` },
    ]);
  });

  // First, so it sees every answer: the routes', the error handler's and the unknown-route 404s.
  if (s.recordFile) app.use('*', recorder(s.recordFile, s.port));

  app.route('/', d1ImportUpload(s));
  app.route('/', introspectionRoutes(s));

  const v4 = new Hono();
  v4.use(
    '*',
    bodyLimit({
      maxSize: s.maxUploadBytes,
      // The rest of the body is never read, so the connection must not be reused for another request.
      onError: (c) => {
        c.header('connection', 'close');
        return fail(c, 413, [
          {
            code: 10027,
            message: `Request body exceeds the ${s.maxUploadBytes} byte limit: split the upload into smaller requests.`,
          },
        ]);
      },
    }),
  );

  // Asset uploads authenticate with the short-lived upload JWT instead of the API token.
  v4.use('/pages/assets/*', async (c, next) => {
    const auth = c.req.header('authorization') ?? '';
    const jwt = auth.replace(/^Bearer\s+/i, '');
    const claims = await verifyUploadJwt(s, jwt);
    if (!claims)
      return fail(c, 401, [
        { code: 8000013, message: 'Invalid or expired upload JWT: fetch a new one from …/upload-token.' },
      ]);
    c.set('uploadClaims' as never, claims as never);
    await next();
  });

  v4.use('*', async (c, next) => {
    if (c.req.path.startsWith('/client/v4/pages/assets/')) return next();
    const auth = c.req.header('authorization') ?? '';
    const m = /^Bearer\s+(.+)$/i.exec(auth);
    const token = m?.[1]?.trim();
    const valid =
      token !== undefined &&
      (s.readOnlyTokens.includes(token) || (s.token ? token === s.token : WELL_FORMED_TOKEN.test(token)));
    if (!valid) {
      return fail(c, 401, [
        {
          code: 10000,
          message: 'Authentication error: send "Authorization: Bearer <token>" with the emulator\'s token.',
        },
      ]);
    }
    await next();
  });

  // Authenticated, but perhaps only allowed to read. Before the account check: Cloudflare answers a write made with a
  // read-only token 403 whatever it names.
  v4.use('*', readOnlyGuard(s));

  v4.use('/accounts/:accountId/*', async (c, next) => {
    if (c.req.param('accountId') !== s.accountId) {
      return fail(c, 403, [
        {
          code: 9109,
          message: `Unauthorized to access requested resource: this emulator serves account ${s.accountId} only.`,
        },
      ]);
    }
    await next();
  });

  v4.route('/', userRoutes(s));
  v4.route('/accounts/:accountId/d1/database', d1Routes(s));
  v4.route('/accounts/:accountId/storage/kv/namespaces', kvRoutes(s));
  v4.route('/accounts/:accountId/pages/projects', pagesRoutes(s));
  v4.route('/pages/assets', pagesAssetRoutes(s));
  v4.route('/accounts/:accountId/workers', workersRoutes(s));
  v4.route('/accounts/:accountId/r2/buckets', r2Routes(s));
  v4.route('/accounts/:accountId/queues', queuesRoutes(s));

  app.route('/client/v4', v4);
  return app;
}
