import type { Services } from '../api/context.ts';
import type { Runtime } from './runtime.ts';

export function createRuntime(_s: Services): Runtime {
  return {
    invalidate() {},
    async handle() {
      return false;
    },
    async dispose() {},
  };
}
