import type { D1Registry } from '../d1/registry.ts';
import type { KvStore } from '../kv/store.ts';
import type { Runtime } from '../serve/runtime.ts';
import type { BlobStore } from '../store/blobs.ts';
import type { StateStore } from '../store/state.ts';

/** What every route handler can reach. */
export interface Services {
  accountId: string;
  token: string | undefined;
  /** Tokens that may only read (see `read-only.ts`); accepted in addition to {@link token}. */
  readOnlyTokens: readonly string[];
  dataDir: string;
  /** Public base of the API, e.g. http://127.0.0.1:8787 (known once listening). */
  origin: () => string;
  port: () => number;
  state: StateStore;
  d1: D1Registry;
  kv: KvStore;
  blobs: BlobStore;
  runtime: Runtime;
  jwtSecret: Uint8Array;
  maxUploadBytes: number;
  unknownRoutes: Array<{ method: string; path: string }>;
  /** When set, every API request and its answer is appended to this file (see recorder.ts). */
  recordFile: string | undefined;
  /** Every request a read-only token was refused, in order. */
  refusedWrites: Array<{ method: string; path: string }>;
}
