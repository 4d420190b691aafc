import type { RateRule } from '@create-something/app-kit/server/rate-limit';
import { error } from '@sveltejs/kit';
import { z } from 'zod';

/**
 * Motion captures: a visitor's recorded trace of an experiment (time, position, and optionally a value per frame),
 * saved to the R2 bucket MEDIA as one JSON object each, `captures/<slug>/<id>.json`. Too large for a D1 row or a
 * KV value to be a good fit, read back whole, never listed on a page view.
 */

/** Captures per visitor: a few takes, not a flood of objects. */
export const CAPTURE_LIMIT: RateRule = { name: 'capture', limit: 10, windowSeconds: 10 * 60 };

/** A capture's body as sent: at most 256 KiB (about 4,000 frames). */
export const MAX_CAPTURE_BYTES = 256 * 1024;

const frame = z.object({
  t: z.number().finite().nonnegative(),
  x: z.number().finite(),
  y: z.number().finite(),
  v: z.number().finite().optional(),
});

export const captureSchema = z.object({
  label: z.string().trim().min(1, 'label is required').max(80, 'label must be at most 80 characters'),
  frames: z.array(frame).min(2, 'a capture needs at least 2 frames').max(4000, 'at most 4000 frames'),
});
export type Capture = z.infer<typeof captureSchema>;

/** Ids are random (no visitor id, no time in them): 16 hex characters. */
export const captureIdSchema = z.string().regex(/^[0-9a-f]{16}$/, 'a capture id is 16 hex characters');

export function captureKey(slug: string, id: string): string {
  return `captures/${slug}/${id}.json`;
}

export function newCaptureId(): string {
  return [...crypto.getRandomValues(new Uint8Array(8))].map((b) => b.toString(16).padStart(2, '0')).join('');
}

/** The MEDIA bucket, or a 500 naming it: a capture that cannot be stored is refused, not dropped. */
export function mediaBucket(platform: App.Platform | undefined): R2Bucket {
  const bucket = platform?.env.MEDIA;
  if (!bucket)
    throw error(500, 'Missing Cloudflare binding: MEDIA (R2 bucket). Bind it in the Pages project settings.');
  return bucket;
}
