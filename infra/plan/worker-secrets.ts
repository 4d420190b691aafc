/** A secret a Worker is deployed with: a `secret_text` binding whose value is a Pulumi secret config key. */
export interface WorkerSecret {
  /** The binding name the Worker reads (`env.API_TOKEN`); its wrangler config lists it in `secrets.required`. */
  binding: string;
  /** The stack config key holding the value, set with `pulumi config set --secret`. */
  configKey: string;
}

/**
 * Every Worker secret, by `<package>/<worker>`. This is the one place they are written: the planner gives each
 * enabled Worker its list, config validation requires each key on the stacks that enable the Worker, and a test
 * checks each Worker's wrangler config (`secrets.required`) names exactly these bindings.
 */
export const WORKER_SECRETS: Readonly<Record<string, readonly WorkerSecret[]>> = {
  // The bearer secret every call but GET /health must send (packages/space/workers/motion-extractor/src/auth.ts).
  'space/motion-extractor': [{ binding: 'API_TOKEN', configKey: 'create-something:motionExtractorToken' }],
};

/** The secrets of a Worker (`space/motion-extractor`); none when it has no entry. */
export function workerSecrets(worker: string): readonly WorkerSecret[] {
  return WORKER_SECRETS[worker] ?? [];
}

/** Config keys a stack enabling `workers` must set, in order, once each. */
export function workerSecretKeys(workers: readonly string[]): string[] {
  return [...new Set(workers.flatMap((w) => workerSecrets(w).map((s) => s.configKey)))];
}
