import { describe, expect, it } from 'vitest';
import { installMocks } from './support/pulumi-harness';

describe('the program with bad config', () => {
  it('stops before declaring any resource, naming the key and the command that fixes it', async () => {
    const registrations = await installMocks('prod', { 'cloudflare:apiToken': 'x'.repeat(40) });
    await expect(import('../../infra/index' as string)).rejects.toThrow(
      /Invalid configuration for stack "prod":\n {2}create-something:accountId is not set\. Set it: pulumi config set create-something:accountId/,
    );
    expect(registrations).toEqual([]);
  });
});
