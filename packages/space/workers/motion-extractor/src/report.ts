import { z } from 'zod';
import { LIMITS, type MotionReport } from './motion.ts';

/**
 * What the in-page collector returned, checked before anything is stored. The collector runs in the page's world,
 * so the page's scripts can replace what it calls and return anything: wrong types and oversized lists are refused,
 * over-long strings are cut (a long title or selector is legitimate) and the cut is flagged as `truncated`.
 */

/**
 * The most a stored report may be: the Worker holds it in memory (128 MB) and sends it whole, so the caps below keep
 * any report that passes well under this (a test builds the largest one). R2 itself would take far more.
 */
export const REPORT_LIMIT_BYTES = 25 * 1024 * 1024;

const text = (max: number) => z.string().transform((s) => ({ value: s.slice(0, max), cut: s.length > max }));

const keyframes = z.object({ name: text(LIMITS.textChars), css: text(LIMITS.cssChars) });
const animated = z.object({
  selector: text(LIMITS.textChars),
  animationName: text(LIMITS.textChars),
  animationDuration: text(LIMITS.textChars),
  animationTimingFunction: text(LIMITS.textChars),
  animationIterationCount: text(LIMITS.textChars),
});
const transitioned = z.object({
  selector: text(LIMITS.textChars),
  transitionProperty: text(LIMITS.textChars),
  transitionDuration: text(LIMITS.textChars),
  transitionTimingFunction: text(LIMITS.textChars),
});

const collected = z.strictObject({
  title: text(LIMITS.titleChars),
  keyframes: z.array(keyframes).max(LIMITS.keyframes),
  animated: z.array(animated).max(LIMITS.elements),
  transitioned: z.array(transitioned).max(LIMITS.elements),
  unreadableStylesheets: z.number().int().min(0).max(100_000),
  truncated: z.boolean(),
});

export class InvalidReport extends Error {}

type Cut = { value: string; cut: boolean };

/** The validated, capped report for `url`, or an InvalidReport naming the first problem (a path, not page text). */
export function parseReport(url: string, raw: unknown): MotionReport {
  const parsed = collected.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const where = issue?.path.length ? issue.path.join('.') : 'the report';
    throw new InvalidReport(`the page returned a malformed report (${where}: ${issue?.message ?? 'invalid'})`);
  }
  let cut = false;
  const plain = <T extends Record<string, Cut>>(row: T) =>
    Object.fromEntries(
      Object.entries(row).map(([key, field]) => {
        cut ||= field.cut;
        return [key, field.value];
      }),
    ) as { [K in keyof T]: string };
  const data = parsed.data;
  const report: MotionReport = {
    url,
    title: plain({ title: data.title }).title,
    keyframes: data.keyframes.map(plain),
    animated: data.animated.map(plain),
    transitioned: data.transitioned.map(plain),
    unreadableStylesheets: data.unreadableStylesheets,
    truncated: data.truncated,
  };
  report.truncated ||= cut;
  return report;
}
