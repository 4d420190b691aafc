import { error } from '@sveltejs/kit';
import { captureIdSchema, captureKey, mediaBucket } from '#lib/server/captures.ts';
import { slugSchema } from '#lib/server/experiments.ts';
import type { RequestHandler } from './$types';

/** A saved capture, streamed from the MEDIA bucket as it was stored; 404 when there is none. */
export const GET: RequestHandler = async ({ params, platform }) => {
  const slug = slugSchema.safeParse(params.slug);
  const id = captureIdSchema.safeParse(params.id);
  if (!slug.success || !id.success) throw error(400, 'No such capture: check the experiment name and the id.');
  const object = await mediaBucket(platform).get(captureKey(slug.data, id.data));
  if (!object) throw error(404, `No capture ${id.data} of "${slug.data}"`);
  return new Response(object.body as unknown as ReadableStream, {
    headers: { 'content-type': 'application/json', 'cache-control': 'public, max-age=3600, immutable' },
  });
};
