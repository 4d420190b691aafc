import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { refusalOf } from '../src/public-web.ts';
import { REFUSED_TARGETS } from './ssrf-cases.ts';

// The rule the Worker applies to the caller's target and to every request the page makes; the browser tests check
// it on redirects, frames and subresources.

describe('the public-web rule', () => {
  it.each(REFUSED_TARGETS)('refuses %s: %s', (url, reason) => {
    expect(refusalOf(url, { initial: true })).toBe(reason);
    expect(refusalOf(url)).toBe(reason);
  });

  it.each([
    'https://example.com/',
    'http://example.com:80/a',
    'https://example.com:443/a?b=c',
    'https://sub.domain.example.org./x',
    'http://8.8.8.8/',
    'https://[2606:4700:4700::1111]/',
    'https://xn--r8jz45g.jp/%E3%83%91%E3%82%B9',
  ])('allows %s', (url) => {
    expect(refusalOf(url, { initial: true })).toBeNull();
  });

  it('lets a page use data:, blob: and about: URLs, but not as the target', () => {
    for (const url of ['data:image/png;base64,AAAA', 'blob:https://example.com/1f0e', 'about:blank']) {
      expect(refusalOf(url)).toBeNull();
      expect(refusalOf(url, { initial: true })).toMatch(/^scheme .* is not http: or https:$/);
    }
  });

  it('refuses every address in the private IPv4 ranges, however the URL writes it', () => {
    const privateV4 = fc.oneof(
      fc.tuple(fc.constant(10), fc.nat(255), fc.nat(255), fc.nat(255)),
      fc.tuple(fc.constant(172), fc.integer({ min: 16, max: 31 }), fc.nat(255), fc.nat(255)),
      fc.tuple(fc.constant(192), fc.constant(168), fc.nat(255), fc.nat(255)),
      fc.tuple(fc.constant(127), fc.nat(255), fc.nat(255), fc.nat(255)),
      fc.tuple(fc.constant(169), fc.constant(254), fc.nat(255), fc.nat(255)),
    );
    const spellings = (o: number[]) => [
      o.join('.'),
      String(((o[0] ?? 0) * 2 ** 24 + (o[1] ?? 0) * 2 ** 16 + (o[2] ?? 0) * 2 ** 8 + (o[3] ?? 0)) >>> 0),
      o.map((n) => `0x${n.toString(16)}`).join('.'),
      `[::ffff:${o.join('.')}]`,
    ];
    fc.assert(
      fc.property(privateV4, fc.constantFrom('http', 'https'), (octets, scheme) => {
        for (const host of spellings(octets)) expect(refusalOf(`${scheme}://${host}/x`)).not.toBeNull();
      }),
    );
  });
});
