import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { registerBeliefs } from './beliefs/index.ts';
import { judgeRecording } from './schema/judge-recording.ts';
import { type EmulatorTarget, startEmulatorTarget } from './support/emulator-target.ts';

// The beliefs against the emulator, always (CI included), then the emulator's recorded answers against Cloudflare's
// published schema. One emulator for the file, on a free port of 127.0.0.1, stopped with its workerd children after.
let target: EmulatorTarget;
beforeAll(async () => {
  target = await startEmulatorTarget();
});
afterAll(async () => {
  await target?.stop();
});

describe('Cloudflare beliefs, against the emulator', () => {
  registerBeliefs(() => target);

  it('called no route the emulator lacks', () => {
    expect(target.emulator.unknownRoutes).toEqual([]);
  });
});

describe("the emulator's answers to this suite, against Cloudflare's published OpenAPI schema", () => {
  it('every answer the schema documents matches its operation, and every route it lacks is written down', () => {
    const judged = judgeRecording([target.recordFile]);
    console.log(`[conformance] ${judged.summary}`);
    console.log(`[conformance] operations answered:\n  ${judged.operations.join('\n  ')}`);
    console.log(`[conformance] schema defects excused:\n  ${judged.excused.join('\n  ')}`);
    expect(judged.exchanges).toBeGreaterThan(100);
    expect(judged.invalid, 'answers that do not match the schema').toEqual([]);
    expect(judged.unlistedRoutes, 'routes neither in the schema nor in routes-without-schema.ts').toEqual([]);
    expect(judged.validated).toBeGreaterThan(judged.exchanges / 2);
  });
});
