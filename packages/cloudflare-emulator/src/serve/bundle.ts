import { bracketFields } from '../multipart/bracket-fields.ts';

/** A module as Miniflare takes it. */
export interface WorkerModule {
  type: 'ESModule' | 'CommonJS' | 'Text' | 'Data' | 'CompiledWasm';
  path: string;
  contents: string | Uint8Array;
}

export interface ParsedUpload {
  metadata: Record<string, unknown>;
  mainModule: string;
  modules: WorkerModule[];
}

/** Map the content types wrangler and the Terraform provider give module parts to Miniflare module types. */
function moduleType(contentType: string, name: string): WorkerModule['type'] | undefined {
  const t = contentType.split(';')[0]?.trim().toLowerCase() ?? '';
  if (t === 'application/javascript+module' || t === 'text/javascript+module') return 'ESModule';
  if (t === 'application/javascript' || t === 'text/javascript') return name.endsWith('.cjs') ? 'CommonJS' : 'ESModule';
  if (t === 'application/wasm') return 'CompiledWasm';
  if (t === 'text/plain') return 'Text';
  if (t === 'application/octet-stream') return 'Data';
  if (t === 'application/source-map') return undefined;
  if (name.endsWith('.js') || name.endsWith('.mjs')) return 'ESModule';
  return 'Data';
}

/** Read a Workers multipart upload (script upload body, or a Pages `_worker.bundle`) into metadata + modules. */
export async function parseWorkerForm(form: FormData): Promise<ParsedUpload> {
  const metaPart = form.get('metadata');
  const metadata =
    metaPart === null
      ? bracketFields(form, 'metadata')
      : (JSON.parse(typeof metaPart === 'string' ? metaPart : await metaPart.text()) as Record<string, unknown>);
  if (metadata === undefined) throw new Error('missing "metadata" part');
  const modules: WorkerModule[] = [];
  for (const [field, value] of form.entries()) {
    if (field === 'metadata' || typeof value === 'string') continue;
    const name = value.name || field;
    const type = moduleType(value.type, name);
    if (!type) continue;
    const bytes = new Uint8Array(await value.arrayBuffer());
    const textual = type === 'ESModule' || type === 'CommonJS' || type === 'Text';
    modules.push({ type, path: name, contents: textual ? new TextDecoder().decode(bytes) : bytes });
  }
  const mainModule =
    (metadata.main_module as string | undefined) ?? (metadata.body_part as string | undefined) ?? modules[0]?.path;
  if (!mainModule) throw new Error('no main module: set "main_module" in metadata and upload that part');
  return { metadata, mainModule, modules };
}

/** A `_worker.bundle` is a serialised multipart body whose boundary is its first line. */
export async function parseBundleFile(bytes: Uint8Array): Promise<ParsedUpload> {
  const head = new TextDecoder().decode(bytes.subarray(0, 200));
  const firstLine = head.split(/\r?\n/)[0] ?? '';
  if (!firstLine.startsWith('--')) throw new Error('not a multipart Worker bundle');
  const boundary = firstLine.slice(2).trim();
  const form = await new Response(bytes as Uint8Array<ArrayBuffer>, {
    headers: { 'content-type': `multipart/form-data; boundary=${boundary}` },
  }).formData();
  return parseWorkerForm(form);
}
