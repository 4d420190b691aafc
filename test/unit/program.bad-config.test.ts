import * as pulumi from '@pulumi/pulumi';
import { describe, expect, it } from 'vitest';
import { installMocks } from './support/pulumi-harness';

describe('the program with bad config', () => {
  it("stops before declaring any resource with a RunError naming each key (the sites' and the Worker's secrets too, and prod's refused config token) and the command that fixes it", async () => {
    const registrations = await installMocks('prod', { 'cloudflare:apiToken': 'x'.repeat(40) });
    const error = await import('../../infra/index' as string).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(pulumi.RunError.isInstance(error)).toBe(true);
    expect((error as Error).message).toBe(
      'Invalid configuration for stack "prod":\n  create-something:accountId is not set. Set it: pulumi config set create-something:accountId <32-hex account id from the Cloudflare dashboard> --stack prod\n  cloudflare:apiToken is set on stack "prod", which is protected: a token in its config can be decrypted by anyone who can read the stack and wins over the job\'s own token. Remove it: pulumi config rm cloudflare:apiToken --stack prod, and export CLOUDFLARE_API_TOKEN in the job that deploys (README "Tokens per GitHub environment").\n  create-something:visitorKey is not set. Set it: pulumi config set --secret create-something:visitorKey "$(openssl rand -hex 32)" --stack prod\n  create-something:unsubscribeSecret is not set. Set it: pulumi config set --secret create-something:unsubscribeSecret "$(openssl rand -hex 32)" --stack prod\n  create-something:motionExtractorToken is not set. Set it: pulumi config set --secret create-something:motionExtractorToken "$(openssl rand -hex 32)" --stack prod',
    );
    expect(registrations).toEqual([]);
  });
});
