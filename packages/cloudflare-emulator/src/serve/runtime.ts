import type { IncomingMessage, ServerResponse } from 'node:http';

/** Serves deployed Pages sites and Workers; rebuilt lazily after anything it serves changes. */
export interface Runtime {
  invalidate(): void;
  /** Returns false when the Host does not name a served site. */
  handle(req: IncomingMessage, res: ServerResponse): Promise<boolean>;
  dispose(): Promise<void>;
}
