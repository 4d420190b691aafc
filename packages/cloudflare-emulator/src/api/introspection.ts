import { Hono } from 'hono';
import type { Services } from './context.ts';

/**
 * Emulator-only endpoints (outside /client/v4, no auth, loopback only) for tests and local rehearsals: which requests
 * hit no route, which were refused to a read-only token, and what each Pages deployment actually received; and one
 * rehearsal convenience Cloudflare has no equivalent of: emptying a bucket, so a throwaway stack can be destroyed.
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
  // Cloudflare deletes no bucket that holds objects (10008); on Cloudflare a person empties it first. `pnpm
  // local:down` and `pnpm review:down` empty the buckets of their own stacks with this before the destroy.
  app.delete('/__emulator/r2/:bucket/objects', async (c) => {
    const name = c.req.param('bucket');
    if (!s.state.doc.r2[name]) return c.json({ error: `no bucket named ${name}` }, 404);
    const bucket = await s.runtime.r2Bucket(name);
    let deleted = 0;
    for (;;) {
      const page = await bucket.list({ limit: 1000 });
      if (page.objects.length === 0) break;
      await bucket.delete(page.objects.map((o) => o.key));
      deleted += page.objects.length;
    }
    return c.json({ bucket: name, deleted });
  });
  return app;
}
