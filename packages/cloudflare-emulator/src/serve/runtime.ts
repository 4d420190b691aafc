import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Miniflare } from 'miniflare';

/** An R2 bucket as Miniflare hands it to Node: the same storage deployed code reaches through its binding. */
export type R2BucketHandle = Awaited<ReturnType<Miniflare['getR2Bucket']>>;

/** Serves deployed Pages sites and Workers; rebuilt lazily after anything it serves changes. */
export interface Runtime {
  invalidate(): void;
  /** Returns false when the Host does not name a served site. */
  handle(req: IncomingMessage, res: ServerResponse): Promise<boolean>;
  /** The bucket's storage (it must be in state), for the REST API's object routes. Starts workerd if needed. */
  r2Bucket(name: string): Promise<R2BucketHandle>;
  dispose(): Promise<void>;
}
