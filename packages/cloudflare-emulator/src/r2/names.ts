import { CfError } from '../envelope.ts';

/**
 * R2's bucket name rule: 3-63 characters of lower-case letters, digits and hyphens, starting and ending with a letter
 * or digit. Cloudflare refuses others with 400, code 10005 (InvalidBucketName, R2 "Error codes" documentation).
 */
const BUCKET_NAME = /^[a-z0-9][a-z0-9-]{1,61}[a-z0-9]$/;

export function checkBucketName(name: string): void {
  if (!BUCKET_NAME.test(name)) {
    throw new CfError(
      400,
      10005,
      `The specified bucket name "${name}" is not valid: use 3-63 lower-case letters, digits and hyphens, starting and ending with a letter or digit.`,
    );
  }
}
