import { error } from '@sveltejs/kit';

/** Forms on these sites are a few short fields; anything larger is refused before it is parsed. */
export const MAX_BODY_BYTES = 8 * 1024;

/** Reads the request body as text, refusing (413) bodies above `limit` whether or not Content-Length is sent. */
export async function readBody(request: Request, limit = MAX_BODY_BYTES): Promise<string> {
  const declared = Number(request.headers.get('content-length') ?? '0');
  if (declared > limit) throw tooLarge(limit);
  if (!request.body) return '';
  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > limit) {
      await reader.cancel();
      throw tooLarge(limit);
    }
    chunks.push(value);
  }
  return new TextDecoder().decode(concat(chunks, size));
}

/** Reads a urlencoded or multipart form with the same size limit. */
export async function readForm(request: Request, limit = MAX_BODY_BYTES): Promise<FormData> {
  const text = await readBody(request, limit);
  const type = request.headers.get('content-type') ?? 'application/x-www-form-urlencoded';
  return new Response(text, { headers: { 'content-type': type } }).formData();
}

function tooLarge(limit: number) {
  return error(413, `Request body is larger than ${limit} bytes; shorten the text and submit again.`);
}

function concat(chunks: Uint8Array[], size: number): Uint8Array {
  const out = new Uint8Array(size);
  let offset = 0;
  for (const chunk of chunks) {
    out.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return out;
}
