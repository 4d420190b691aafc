import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  ANNOUNCER_STYLE_HASH,
  DENY_ALL_CSP,
  headersFileRules,
  SECURITY_HEADERS,
  withSecurityHeaders,
} from '../src/server/security-headers.ts';

describe('withSecurityHeaders', () => {
  it('adds every header and a deny-all CSP to a response without one', async () => {
    const res = withSecurityHeaders(Response.json({ ok: true }, { status: 201 }));
    expect(res.status).toBe(201);
    expect(await res.json()).toEqual({ ok: true });
    for (const [name, value] of Object.entries(SECURITY_HEADERS)) expect(res.headers.get(name)).toBe(value);
    expect(res.headers.get('content-security-policy')).toBe(DENY_ALL_CSP);
    expect(res.headers.get('content-type')).toBe('application/json');
  });

  it("keeps the page's own CSP (SvelteKit's, with its nonce) and headers already set", () => {
    const page = new Response('<p>', {
      headers: { 'content-security-policy': "script-src 'self' 'nonce-abc'", 'referrer-policy': 'no-referrer' },
    });
    const res = withSecurityHeaders(page);
    expect(res.headers.get('content-security-policy')).toBe("script-src 'self' 'nonce-abc'");
    expect(res.headers.get('referrer-policy')).toBe('no-referrer');
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
  });

  it('works on responses whose headers are immutable (as fetch gives them)', async () => {
    const immutable = await fetch('data:text/plain,hi');
    expect(() => immutable.headers.set('x', 'y')).toThrow();
    expect(withSecurityHeaders(immutable).headers.get('x-frame-options')).toBe('DENY');
  });

  it('writes a /* rule for _headers without any CSP', () => {
    const rules = headersFileRules();
    expect(rules.split('\n')[0]).toBe('/*');
    expect(rules).toContain('  x-content-type-options: nosniff\n');
    expect(rules.toLowerCase()).not.toContain('content-security-policy');
  });
});

describe('the CSP', () => {
  it("allows exactly the style attribute of the installed SvelteKit's route announcer", () => {
    const kit = path.dirname(createRequire(import.meta.url).resolve('@sveltejs/kit/package.json'));
    const root = readFileSync(path.join(kit, 'src/runtime/components/root.svelte'), 'utf8');
    const styles = [...root.matchAll(/style="([^"]*)"/g)].map((m) => m[1] as string);
    expect(styles).toHaveLength(1);
    const hash = `sha256-${createHash('sha256')
      .update(styles[0] as string)
      .digest('base64')}`;
    expect(ANNOUNCER_STYLE_HASH).toBe(hash);
  });
});
