/**
 * What the provider does for one resource type. The same five operations as Pulumi's resource provider protocol,
 * with plain values: the server (server.ts) has already taken the secret markers off the inputs, and the engine puts
 * them back on every output whose input was secret.
 */
export interface ResourceHandler<Inputs, Outputs> {
  /** Validates and normalises new inputs; runs in preview and up. `olds` are the previous inputs, if any. */
  check?(olds: Partial<Inputs> | undefined, news: Inputs): Promise<CheckResult<Inputs>>;
  /** `olds` are the state's outputs (after a refresh: what read returned). */
  diff(id: string, olds: Outputs, news: Inputs): Promise<DiffResult>;
  create(inputs: Inputs): Promise<{ id: string; outs: Outputs }>;
  update(id: string, olds: Outputs, news: Inputs): Promise<{ outs: Outputs }>;
  /** Refresh: what Cloudflare holds now. An empty id says the resource is gone. */
  read(id: string, props: Outputs | undefined): Promise<{ id: string; props: Outputs }>;
  delete(id: string, props: Outputs): Promise<void>;
}

export interface CheckFailure {
  property: string;
  reason: string;
}

export interface CheckResult<Inputs> {
  inputs: Inputs;
  failures: CheckFailure[];
}

export interface DiffResult {
  changes: boolean;
  replaces?: string[];
  deleteBeforeReplace?: boolean;
}

/** The value the engine passes for an input that is not known yet (during preview, before a resource exists). */
export const UNKNOWN = '04da6b54-80e4-46f7-96ec-b56ff0331ba9';

export function isKnown(value: unknown): value is string {
  return typeof value === 'string' && value !== '' && value !== UNKNOWN;
}
