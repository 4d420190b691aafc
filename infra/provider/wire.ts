/**
 * Values as the engine sends them to a provider that accepts secrets: a secret is an object carrying a signature key
 * and its value. The handlers work on plain values, so whatever they return must be marked again before it goes
 * back: a provider that accepts secrets is trusted to return them marked (the engine annotates secrets by name only
 * for providers that do not: provider_plugin.go `annotateSecrets`), and an unmarked value is kept in the state in
 * plain text.
 */
const SIGNATURE_KEY = '4dabf18193072939515e22adb298388d';
const SECRET_SIGNATURE = '1b47061264138c4ac30d75fd1eb44270';

export function withoutSecretMarkers(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(withoutSecretMarkers);
  if (value === null || typeof value !== 'object') return value;
  const record = value as Record<string, unknown>;
  if (record[SIGNATURE_KEY] === SECRET_SIGNATURE) return withoutSecretMarkers(record.value);
  return Object.fromEntries(Object.entries(record).map(([k, v]) => [k, withoutSecretMarkers(v)]));
}

const isSecret = (value: unknown): boolean =>
  typeof value === 'object' && value !== null && (value as Record<string, unknown>)[SIGNATURE_KEY] === SECRET_SIGNATURE;

const hasSecret = (value: unknown): boolean =>
  isSecret(value) ||
  (typeof value === 'object' && value !== null && Object.values(value as Record<string, unknown>).some(hasSecret));

/**
 * `result` with every top-level property marked secret that held a secret (at any depth) in `sent`, as the engine
 * does for providers that do not accept secrets: what came in secret goes back secret, whatever the handler did.
 */
export function withSecretsOf<T extends Record<string, unknown>>(sent: Record<string, unknown>, result: T): T {
  return Object.fromEntries(
    Object.entries(result).map(([key, value]) =>
      hasSecret(sent[key]) && !isSecret(value) && value !== undefined
        ? [key, { [SIGNATURE_KEY]: SECRET_SIGNATURE, value }]
        : [key, value],
    ),
  ) as T;
}

/** The type token of a URN: `urn:pulumi:<stack>::<project>::<parent types$>type::<name>`. */
export function typeOfUrn(urn: string): string {
  const parts = urn.split('::');
  const qualified = parts[2] ?? '';
  return qualified.split('$').pop() ?? qualified;
}
