import { bindings } from '@create-something/app-kit/server/bindings';
import { readBody } from '@create-something/app-kit/server/body';
import { clientId } from '@create-something/app-kit/server/client';
import { limitRequest } from '@create-something/app-kit/server/rate-limit';
import { error, json } from '@sveltejs/kit';
import {
  CAPTURE_LIMIT,
  captureKey,
  captureSchema,
  MAX_CAPTURE_BYTES,
  mediaBucket,
  newCaptureId,
} from '#lib/server/captures.ts';
import { getExperiment, slugSchema } from '#lib/server/experiments.ts';
import type { RequestHandler } from './$types';

/**
 * Saves a motion capture of an experiment to the MEDIA bucket: 201 with its id and where to read it back; 400 for
 * a body that is not a capture, 404 for an unknown experiment, 413 above 256 KiB, 429 with Retry-After over the
 * visitor's limit.
 */
export const POST: RequestHandler = async (event) => {
  const { params, platform, request } = event;
  const slug = slugSchema.safeParse(params.slug);
  if (!slug.success) throw error(400, `Invalid experiment name: ${slug.error.issues[0]?.message}`);
  const { db } = bindings(platform);
  const media = mediaBucket(platform);
  let body: unknown;
  try {
    body = JSON.parse(await readBody(request, MAX_CAPTURE_BYTES));
  } catch (e) {
    if ((e as { status?: number }).status === 413) throw e;
    throw error(400, 'The body must be JSON: {"label": "...", "frames": [{"t": 0, "x": 0, "y": 0}, ...]}');
  }
  const capture = captureSchema.safeParse(body);
  if (!capture.success)
    throw error(400, capture.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; '));
  if (!(await getExperiment(db, slug.data))) throw error(404, `No experiment named "${slug.data}"`);
  const limit = await limitRequest(event, db, CAPTURE_LIMIT, await clientId(event));
  if (!limit.allowed) return json({ message: limit.message }, { status: 429 });
  const id = newCaptureId();
  await media.put(captureKey(slug.data, id), JSON.stringify({ ...capture.data, savedAt: new Date().toISOString() }), {
    httpMetadata: { contentType: 'application/json' },
    customMetadata: { experiment: slug.data },
  });
  return json({ id, url: `/api/experiments/${slug.data}/captures/${id}` }, { status: 201 });
};
