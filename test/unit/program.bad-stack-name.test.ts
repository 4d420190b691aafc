import * as pulumi from '@pulumi/pulumi';
import { describe, expect, it } from 'vitest';
import { installMocks } from './support/pulumi-harness';

describe('the program on a misnamed stack', () => {
  it('names the stack problem first (its config is missing too), before declaring any resource', async () => {
    const registrations = await installMocks('Weird_Name', {});
    const error = await import('../../infra/index' as string).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(pulumi.RunError.isInstance(error)).toBe(true);
    expect((error as Error).message).toBe(
      'Stack name "Weird_Name" is not allowed: stack names here are lowercase letters, digits and "-", starting with a letter or digit, because the name selects stacks/<name>.ts. Rename the stack: pulumi stack rename weird-name --stack Weird_Name (it renames Pulumi.Weird_Name.yaml too), then make sure stacks/weird-name.ts exists (copy stacks/staging.ts).',
    );
    expect(registrations).toEqual([]);
  });
});
