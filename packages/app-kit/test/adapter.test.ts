import { describe, expect, it } from 'vitest';
import { kitBuildOptions } from '../adapter/cloudflare.ts';

describe('kitBuildOptions', () => {
  it("sets nothing for a hand build: SvelteKit's default version (the build time) stays", () => {
    expect(kitBuildOptions({})).toEqual({});
    expect(kitBuildOptions({ TURBO_HASH: '' })).toEqual({});
  });

  it("names the version after turbo's task hash (the build's inputs) instead of the build time", () => {
    expect(kitBuildOptions({ TURBO_HASH: '0123456789abcdef' })).toEqual({ version: { name: '0123456789abcdef' } });
  });
});
