// Types of turbo.mjs, for the TypeScript program and tests that share it.
export const OUTPUT_DIR: string;
export function turboBinary(rootDir: string): string;
export const TURBO_FLAGS: readonly string[];
export const REMOTE_CACHE_VARIABLES: readonly string[];
export const TURBO_QUIET: Readonly<Record<string, string>>;
export function dyingWithCaller(binary: string, args: readonly string[]): [string, string[]];
