import * as pulumi from '@pulumi/pulumi';
import { afterAll, describe, expect, it, vi } from 'vitest';
import {
  ACCOUNT_ID,
  installMocks,
  MOTION_EXTRACTOR_TOKEN,
  MOTION_EXTRACTOR_TOKEN_KEY,
  outputValue,
} from './support/pulumi-harness';

// What CI does: the stack config holds no token, the job's GitHub environment exports CLOUDFLARE_API_TOKEN.
const ENV_TOKEN = 'token-from-the-job-environment-000000000000000';
const SECRET = '4dabf18193072939515e22adb298388d';

describe('the program with the Cloudflare token in the environment only', () => {
  const previous = process.env.CLOUDFLARE_API_TOKEN;
  afterAll(() => {
    if (previous === undefined) delete process.env.CLOUDFLARE_API_TOKEN;
    else process.env.CLOUDFLARE_API_TOKEN = previous;
  });

  it('says it used CLOUDFLARE_API_TOKEN and gives that token, as a secret, to the migrations and the upload', async () => {
    process.env.CLOUDFLARE_API_TOKEN = ENV_TOKEN;
    const info = vi.spyOn(pulumi.log, 'info');
    const registrations = await installMocks('staging', {
      'create-something:accountId': ACCOUNT_ID,
      [MOTION_EXTRACTOR_TOKEN_KEY]: MOTION_EXTRACTOR_TOKEN,
    });
    const program = (await import('../../infra/index' as string)) as typeof import('../../infra/index');
    for (const app of Object.values(program.apps)) await outputValue(app.deploymentUrl);

    expect(info).toHaveBeenCalledWith(
      'Cloudflare API token: CLOUDFLARE_API_TOKEN from the environment (cloudflare:apiToken is not set on stack "staging").',
    );
    const migrations = registrations.filter((r) => r.type === 'pulumi-nodejs:dynamic/create-something:D1Migrations');
    const uploads = registrations.filter((r) => r.type === 'command:local:Command' && r.name.endsWith('-upload'));
    expect(migrations).toHaveLength(4);
    expect(uploads).toHaveLength(4);
    for (const m of migrations)
      expect(m.inputs.apiToken).toMatchObject({ [SECRET]: expect.any(String), value: ENV_TOKEN });
    for (const u of uploads) {
      const environment = u.inputs.environment as Record<string, unknown>;
      expect(environment.CLOUDFLARE_API_TOKEN).toMatchObject({ [SECRET]: expect.any(String), value: ENV_TOKEN });
    }
  });
});
