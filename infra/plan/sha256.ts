import { createHash } from 'node:crypto';

/** Hex sha256 of a text or bytes: how migrations and Worker bundles are identified in plans and in the state. */
export function sha256(content: string | Uint8Array): string {
  return createHash('sha256').update(content).digest('hex');
}
