import { describe, expect, it } from 'vitest';
import { kitOutDir } from '../adapter/cloudflare.ts';

describe('kitOutDir', () => {
  it('sets nothing for a hand build: SvelteKit keeps .svelte-kit', () => {
    expect(kitOutDir({})).toEqual({});
    expect(kitOutDir({ SVELTEKIT_OUT_DIR: '' })).toEqual({});
  });

  it("builds into SVELTEKIT_OUT_DIR, and leaves the shared node_modules/$app/tsconfig.json as a hand build's", () => {
    const options = kitOutDir({ SVELTEKIT_OUT_DIR: '.svelte-kit-builds/0123456789ab-42/' });
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
