/** An R2 bucket's metadata; its objects live in Miniflare's R2 storage under <dataDir>/r2 (see serve/). */
export interface R2BucketMeta {
  name: string;
  creation_date: string;
  location: string;
  storage_class: 'Standard' | 'InfrequentAccess';
  /** Only when created with the `cf-r2-jurisdiction` header naming one other than `default`. */
  jurisdiction?: string;
}
