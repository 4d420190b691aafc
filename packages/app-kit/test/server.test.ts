import type { KVNamespace } from '@cloudflare/workers-types';
import { isHttpError } from '@sveltejs/kit';
import { describe, expect, it } from 'vitest';
import { bindings } from '../src/server/bindings.ts';
import { MAX_BODY_BYTES, readBody, readForm } from '../src/server/body.ts';
import { cachedJson } from '../src/server/kv-cache.ts';

async function rejection(promise: Promise<unknown> | (() => unknown)): Promise<unknown> {
  try {
    await (typeof promise === 'function' ? promise() : promise);
  } catch (e) {
    return e;
  }
  throw new Error('expected a rejection');
}

/** A streamed body sends no Content-Length, so only the running count can refuse it. */
function streamed(text: string): Request {
  const body = new ReadableStream({
    start(controller) {
      controller.enqueue(new TextEncoder().encode(text));
      controller.close();
    },
  });
  return new Request('http://app.test/', { method: 'POST', body, duplex: 'half' } as RequestInit);
}

describe('body', () => {
  it('reads a form within the limit', async () => {
    const request = new Request('http://app.test/', { method: 'POST', body: new URLSearchParams({ a: 'b' }) });
    expect((await readForm(request)).get('a')).toBe('b');
  });

  it('refuses with 413 by Content-Length and by streamed size', async () => {
    const big = 'x'.repeat(MAX_BODY_BYTES + 1);
    for (const request of [new Request('http://app.test/', { method: 'POST', body: big }), streamed(big)]) {
      const e = await rejection(readBody(request));
      expect(isHttpError(e, 413)).toBe(true);
      expect((e as { body: { message: string } }).body.message).toContain(`larger than ${MAX_BODY_BYTES} bytes`);
    }
  });
});

describe('bindings', () => {
  it('names every missing binding in a 500', async () => {
    const e = await rejection(() => bindings({ env: {} }));
    expect(isHttpError(e, 500)).toBe(true);
    expect((e as { body: { message: string } }).body.message).toContain('DB (D1 database), KV (KV namespace)');
  });
});

describe('cachedJson', () => {
  it('computes and stores once, then serves the stored value with its creation time', async () => {
    const store = new Map<string, { value: string; metadata: unknown; ttl?: number }>();
    const kv = {
      async getWithMetadata(key: string) {
        const entry = store.get(key);
        return entry ? { value: JSON.parse(entry.value), metadata: entry.metadata } : { value: null, metadata: null };
      },
      async put(key: string, value: string, options: { expirationTtl?: number; metadata?: unknown }) {
        store.set(key, { value, metadata: options.metadata, ttl: options.expirationTtl });
      },
    } as unknown as KVNamespace;
    let computed = 0;
    const compute = async () => ({ n: ++computed });
    const first = await cachedJson(kv, 'k', 60, compute);
    const second = await cachedJson(kv, 'k', 60, compute);
    expect(first).toMatchObject({ value: { n: 1 }, hit: false });
    expect(second).toEqual({ value: { n: 1 }, created: first.created, hit: true });
    expect(store.get('k')?.ttl).toBe(60);
  });
});
