import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** Content-addressed files (Pages assets by their wrangler hash), shared by every deployment that uses them. */
export class BlobStore {
  private readonly dir: string;
  constructor(dataDir: string) {
    this.dir = join(dataDir, 'blobs');
    mkdirSync(this.dir, { recursive: true });
  }

  private path(hash: string): string {
    if (!/^[0-9a-zA-Z_-]{1,128}$/.test(hash)) throw new Error(`Invalid blob hash "${hash}"`);
    return join(this.dir, hash);
  }

  has(hash: string): boolean {
    return existsSync(this.path(hash));
  }

  put(hash: string, data: Uint8Array): void {
    const p = this.path(hash);
    writeFileSync(`${p}.tmp`, data);
    renameSync(`${p}.tmp`, p);
  }

  get(hash: string): Buffer | undefined {
    try {
      return readFileSync(this.path(hash));
    } catch {
      return undefined;
    }
  }
}
