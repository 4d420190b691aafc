import { describe, expect, it } from 'vitest';
import {
  cloudConfig,
  installMocks,
  MOTION_EXTRACTOR_TOKEN,
  MOTION_EXTRACTOR_TOKEN_KEY,
  outputValue,
} from './support/pulumi-harness';

const SECRET = '4dabf18193072939515e22adb298388d';

describe('the motion-extractor Worker on staging', () => {
  it('is deployed with its bearer secret as a secret_text binding, encrypted, from the config key', async () => {
    const config = cloudConfig();
    expect(config[MOTION_EXTRACTOR_TOKEN_KEY]).toBe(MOTION_EXTRACTOR_TOKEN);
    const registrations = await installMocks('staging', config);
    const program = (await import('../../infra/index' as string)) as typeof import('../../infra/index');
    const worker = program.apps.space?.workers['motion-extractor'];
    if (!worker) throw new Error('no motion-extractor outputs');
    await outputValue(worker.scriptName);

    const script = registrations.find(
      (r) => r.type === 'cloudflare:index/workersScript:WorkersScript' && r.name === 'space-motion-extractor-script',
    );
    const bindings = script?.inputs.bindings as { type: string; name: string; text?: unknown }[];
    expect(bindings.filter((b) => b.type === 'secret_text')).toEqual([
      { type: 'secret_text', name: 'API_TOKEN', text: { [SECRET]: expect.any(String), value: MOTION_EXTRACTOR_TOKEN } },
    ]);
    // Nowhere in plain text: not in any other input of any resource.
    const plain = JSON.stringify(
      registrations.map((r) =>
        r === script ? { ...r.inputs, bindings: bindings.filter((b) => b.type !== 'secret_text') } : r.inputs,
      ),
    );
    expect(plain).not.toContain(MOTION_EXTRACTOR_TOKEN);
  });
});
