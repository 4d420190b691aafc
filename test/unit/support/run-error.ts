import * as pulumi from '@pulumi/pulumi';
import { expect } from 'vitest';

/**
 * The message of the error `run` throws, checked to be a RunError: the Pulumi runtime prints those as the message
 * alone. `refused` names what should have been refused, for the failure when nothing was thrown.
 */
export function runError(run: () => unknown, refused: string): string {
  try {
    run();
  } catch (error) {
    expect(pulumi.RunError.isInstance(error)).toBe(true);
    return (error as Error).message;
  }
  throw new Error(`expected ${refused} to be refused`);
}
