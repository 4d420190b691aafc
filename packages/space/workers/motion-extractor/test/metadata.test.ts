import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { targetUrl } from '../src/input.ts';
import { cacheMetadata, METADATA_LIMIT_BYTES } from '../src/store.ts';

// KV refuses a put whose metadata JSON is over 1,024 bytes; the URL is the only part that can grow.
const bytes = (value: unknown) => new TextEncoder().encode(JSON.stringify(value)).byteLength;

describe('cache metadata', () => {
  it('keeps a short URL as it is', () => {
    expect(cacheMetadata('https://example.com/a', 5)).toEqual({ created: 5, url: 'https://example.com/a' });
  });

  it('cuts a long non-ASCII URL by bytes, on a character boundary, marking the cut', () => {
    const url = `https://example.com/${'ü€😀"\\'.repeat(400)}`;
    const meta = cacheMetadata(url, Date.now());
    expect(bytes(meta)).toBeLessThanOrEqual(METADATA_LIMIT_BYTES);
    expect(meta.url.endsWith('…')).toBe(true);
    expect(url.startsWith(meta.url.slice(0, -1))).toBe(true);
    expect(bytes(meta)).toBeGreaterThan(METADATA_LIMIT_BYTES - 8);
  });

  it('fits the limit for every URL the input accepts, non-ASCII and 2,048 characters long included', () => {
    const path = fc.string({ unit: 'grapheme', minLength: 100, maxLength: 1900 });
    let [accepted, cut] = [0, 0];
    fc.assert(
      fc.property(fc.webUrl({ withQueryParameters: true, withFragments: true }), path, (base, extra) => {
        const parsed = targetUrl.safeParse(`${base}${extra}`.slice(0, 2048));
        if (!parsed.success) return;
        accepted++;
        const meta = cacheMetadata(parsed.data, Date.now());
        if (meta.url !== parsed.data) cut++;
        expect(bytes(meta)).toBeLessThanOrEqual(METADATA_LIMIT_BYTES);
      }),
      { numRuns: 300 },
    );
    // The property saw real inputs, long ones among them (not only rejected or short URLs).
    expect(accepted).toBeGreaterThan(100);
    expect(cut).toBeGreaterThan(10);
  });
});
