import * as pulumi from '@pulumi/pulumi';
import { afterAll, describe, expect, it, vi } from 'vitest';
import {
  ACCOUNT_ID,
  installMocks,
  MOTION_EXTRACTOR_TOKEN,
  MOTION_EXTRACTOR_TOKEN_KEY,
  outputValue,
  SITE_SECRETS,
} from './support/pulumi-harness';

// What CI does: the stack config holds no token, the job's GitHub environment exports CLOUDFLARE_API_TOKEN.
const ENV_TOKEN = 'token-from-the-job-environment-000000000000000';

describe('the program with the Cloudflare token in the environment only', () => {
  const previous = process.env.CLOUDFLARE_API_TOKEN;
  afterAll(() => {
    if (previous === undefined) delete process.env.CLOUDFLARE_API_TOKEN;
    else process.env.CLOUDFLARE_API_TOKEN = previous;
  });

  it('says it used CLOUDFLARE_API_TOKEN and keeps it out of every resource input (so out of the state)', async () => {
    process.env.CLOUDFLARE_API_TOKEN = ENV_TOKEN;
    const info = vi.spyOn(pulumi.log, 'info');
    const registrations = await installMocks('staging', {
      'create-something:accountId': ACCOUNT_ID,
      [MOTION_EXTRACTOR_TOKEN_KEY]: MOTION_EXTRACTOR_TOKEN,
      ...SITE_SECRETS,
    });
    const program = (await import('../../infra/index' as string)) as typeof import('../../infra/index');
    for (const app of Object.values(program.apps)) await outputValue(app.deploymentUrl);

    expect(info).toHaveBeenCalledWith(
      'Cloudflare API token: CLOUDFLARE_API_TOKEN from the environment (cloudflare:apiToken is not set on stack "staging").',
    );
    // The providers and wrangler read the job's environment themselves; a token in an input would be kept
    // (encrypted) in the state, used by later refreshes in read-only jobs, and re-run every upload when rotated.
    const ours = registrations.filter((r) => r.type.startsWith('createsomething:'));
    expect(ours.map((r) => r.type).sort()).toEqual(
      ['createsomething:d1:Migrations', 'createsomething:pages:Bindings', 'createsomething:pages:Deployment']
        .flatMap((type) => [type, type, type, type])
        .sort(),
    );
    for (const resource of ours) expect(resource.inputs, resource.name).not.toHaveProperty('apiToken');
    expect(JSON.stringify(registrations.map((r) => r.inputs))).not.toContain(ENV_TOKEN);
  });
});
