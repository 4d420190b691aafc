import { describe, expect, it } from 'vitest';
import { LIMITS } from '../src/motion.ts';
import { InvalidReport, parseReport, REPORT_LIMIT_BYTES } from '../src/report.ts';

// What the page's world hands back is checked like any other untrusted input.
const url = 'https://example.com/';
const valid = { title: 't', keyframes: [], animated: [], transitioned: [], unreadableStylesheets: 0, truncated: false };

describe('parseReport', () => {
  it.each([
    ['not an object', 'a string', 'the report: Invalid input: expected object, received string'],
    [
      'a missing list',
      { ...valid, keyframes: undefined },
      'keyframes: Invalid input: expected array, received undefined',
    ],
    ['an extra field', { ...valid, secret: 1 }, 'the report: Unrecognized key: "secret"'],
    [
      'too many keyframes',
      { ...valid, keyframes: Array(LIMITS.keyframes + 1).fill({ name: 'a', css: 'b' }) },
      'keyframes: Too big: expected array to have <=200 items',
    ],
    [
      'a negative count',
      { ...valid, unreadableStylesheets: -1 },
      'unreadableStylesheets: Too small: expected number to be >=0',
    ],
    [
      'a non-string selector',
      {
        ...valid,
        transitioned: [{ selector: 1, transitionProperty: '', transitionDuration: '', transitionTimingFunction: '' }],
      },
      'transitioned.0.selector: Invalid input: expected string, received number',
    ],
  ])('refuses %s', (_what, raw, problem) => {
    expect(() => parseReport(url, raw)).toThrow(new InvalidReport(`the page returned a malformed report (${problem})`));
  });

  it('cuts over-long strings and says so with truncated', () => {
    const report = parseReport(url, { ...valid, keyframes: [{ name: 'n'.repeat(5000), css: 'c'.repeat(10_000) }] });
    expect(report.keyframes[0]?.name).toHaveLength(LIMITS.textChars);
    expect(report.keyframes[0]?.css).toHaveLength(LIMITS.cssChars);
    expect(report.truncated).toBe(true);
    expect(parseReport(url, valid).truncated).toBe(false);
  });

  it('keeps the largest report it accepts (every list full, every string at its cap, 3-byte characters) under the stored report limit', () => {
    const s = (n: number) => '€'.repeat(n * 2);
    const element = {
      selector: s(LIMITS.textChars),
      animationName: s(LIMITS.textChars),
      animationDuration: s(LIMITS.textChars),
      animationTimingFunction: s(LIMITS.textChars),
      animationIterationCount: s(LIMITS.textChars),
      transitionProperty: s(LIMITS.textChars),
      transitionDuration: s(LIMITS.textChars),
      transitionTimingFunction: s(LIMITS.textChars),
    };
    const pick = (keys: string[]) => Object.fromEntries(keys.map((k) => [k, element[k as keyof typeof element]]));
    const largest = parseReport(`https://example.com/${'a'.repeat(2000)}`, {
      title: s(LIMITS.titleChars),
      keyframes: Array(LIMITS.keyframes).fill({ name: s(LIMITS.textChars), css: s(LIMITS.cssChars) }),
      animated: Array(LIMITS.elements).fill(pick(Object.keys(element).filter((k) => !k.startsWith('transition')))),
      transitioned: Array(LIMITS.elements).fill(
        pick(['selector', ...Object.keys(element).filter((k) => k.startsWith('transition'))]),
      ),
      unreadableStylesheets: 100_000,
      truncated: true,
    });
    const bytes = new TextEncoder().encode(JSON.stringify(largest)).byteLength;
    expect(bytes).toBeGreaterThan(3_000_000);
    expect(bytes).toBeLessThan(REPORT_LIMIT_BYTES);
  });
});
