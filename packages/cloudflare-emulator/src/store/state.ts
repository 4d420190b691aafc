import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { D1Meta } from '../d1/types.ts';
import type { KvNamespaceMeta } from '../kv/types.ts';
import type { Deployment, PagesDomain, PagesProject } from '../pages/types.ts';
import type { QueueMeta } from '../queues/types.ts';
import type { R2BucketMeta } from '../r2/types.ts';
import type { WorkerScript } from '../workers/types.ts';

/** Everything except D1 rows, KV values, R2 objects and file blobs: small, so kept as one JSON document rewritten on change. */
export interface StateDocument {
  d1: Record<string, D1Meta>;
  kv: Record<string, KvNamespaceMeta>;
  pages: Record<string, PagesProject>;
  deployments: Record<string, Deployment[]>;
  domains: Record<string, PagesDomain[]>;
  scripts: Record<string, WorkerScript>;
  subdomain: string | null;
  /** R2 buckets by name. */
  r2: Record<string, R2BucketMeta>;
  /** Queues by queue_id. */
  queues: Record<string, QueueMeta>;
}

const empty = (): StateDocument => ({
  d1: {},
  kv: {},
  pages: {},
  deployments: {},
  domains: {},
  scripts: {},
  subdomain: null,
  r2: {},
  queues: {},
});

export class StateStore {
  readonly doc: StateDocument;
  private readonly file: string;

  constructor(dataDir: string) {
    mkdirSync(dataDir, { recursive: true });
    this.file = join(dataDir, 'state.json');
    let doc = empty();
    try {
      doc = { ...empty(), ...(JSON.parse(readFileSync(this.file, 'utf8')) as Partial<StateDocument>) };
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
    }
    this.doc = doc;
  }

  /** Persist after every mutation; write-then-rename so a crash never leaves half a file. */
  save(): void {
    const tmp = `${this.file}.tmp`;
    writeFileSync(tmp, JSON.stringify(this.doc));
    renameSync(tmp, this.file);
  }
}
