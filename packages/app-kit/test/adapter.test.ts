import { describe, expect, it } from 'vitest';
import { kitBuildOptions } from '../adapter/cloudflare.ts';

describe('kitBuildOptions', () => {
  it('sets nothing for a hand build: SvelteKit keeps .svelte-kit', () => {
    expect(kitBuildOptions({})).toEqual({});
    expect(kitBuildOptions({ SVELTEKIT_OUT_DIR: '', SVELTEKIT_VERSION_NAME: '' })).toEqual({});
  });

  it('names the version after SVELTEKIT_VERSION_NAME (the build-input hash) instead of the build time', () => {
    expect(kitBuildOptions({ SVELTEKIT_VERSION_NAME: '0123456789abcdef' })).toEqual({
      version: { name: '0123456789abcdef' },
    });
    const options = kitBuildOptions({ SVELTEKIT_OUT_DIR: '.svelte-kit-builds/x-1', SVELTEKIT_VERSION_NAME: 'abc' });
    expect(options).toMatchObject({ outDir: '.svelte-kit-builds/x-1', version: { name: 'abc' } });
  });

  it("builds into SVELTEKIT_OUT_DIR, and leaves the shared node_modules/$app/tsconfig.json as a hand build's", () => {
    const options = kitBuildOptions({ SVELTEKIT_OUT_DIR: '.svelte-kit-builds/0123456789ab-42/' });
    expect(options.outDir).toBe('.svelte-kit-builds/0123456789ab-42/');
    // What SvelteKit 3.2 generates for that outDir (paths relative to node_modules/$app), and for .svelte-kit.
    const generated = {
      compilerOptions: {
        paths: {},
        rootDirs: ['../..', '../../.svelte-kit-builds/0123456789ab-42/types'],
        lib: ['ESNext'],
      },
      include: ['../../src/**/*.ts'],
    };
    expect(options.typescript?.config(generated)).toEqual({
      compilerOptions: { paths: {}, rootDirs: ['../..', '../../.svelte-kit/types'], lib: ['ESNext'] },
      include: ['../../src/**/*.ts'],
    });
  });
});
