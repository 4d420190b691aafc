/**
 * Values as the engine sends them to a provider that accepts secrets: a secret is an object carrying a signature key
 * and its value. The handlers work on plain values; the engine marks every output secret whose input of the same name
 * was (provider_plugin.go `annotateSecrets`), so a secret input stays secret in the state without the handlers'
 * knowing.
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

/** The type token of a URN: `urn:pulumi:<stack>::<project>::<parent types$>type::<name>`. */
export function typeOfUrn(urn: string): string {
  const parts = urn.split('::');
  const qualified = parts[2] ?? '';
  return qualified.split('$').pop() ?? qualified;
}
