import { Hono } from 'hono';
import type { Services } from './context.ts';

/**
 * Emulator-only endpoints (outside /client/v4, no auth, loopback only) for tests and local rehearsals: which requests
 * hit no route, which were refused to a read-only token, and what each Pages deployment actually received.
 */
export function introspectionRoutes(s: Services): Hono {
  const app = new Hono();
  app.get('/__emulator/unknown-routes', (c) => c.json(s.unknownRoutes));
  app.get('/__emulator/refused-writes', (c) => c.json(s.refusedWrites));
  app.get('/__emulator/pages/:project/deployments', (c) => {
    const list = s.state.doc.deployments[c.req.param('project')] ?? [];
    return c.json(
      list.map((d) => ({
        id: d.id,
        branch: d.branch,
        environment: d.environment,
        received_parts: d.received_parts ?? [],
        files: Object.keys(d.files.manifest).length,
        worker: d.files.worker ?? null,
      })),
    );
  });
  return app;
}
