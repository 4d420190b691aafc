import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { Services } from '../api/context.ts';
import type { WorkerModule } from '../serve/bundle.ts';

/** Module files of a Worker script live under <dataDir>/scripts/<name>/modules/, named as uploaded. */
export function scriptDir(s: Services, name: string): string {
  return join(s.dataDir, 'scripts', name);
}

export function writeScriptModules(s: Services, name: string, modules: WorkerModule[]): void {
  const dir = join(scriptDir(s, name), 'modules');
  rmSync(dir, { recursive: true, force: true });
  for (const m of modules) {
    const file = join(dir, m.path);
    if (!file.startsWith(dir)) throw new Error(`module path escapes the script directory: ${m.path}`);
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, m.contents);
  }
}

export function readScriptModules(
  s: Services,
  name: string,
  list: Array<{ name: string; type: string }>,
): WorkerModule[] {
  const dir = join(scriptDir(s, name), 'modules');
  return list.map(({ name: path, type }) => {
    const bytes = readFileSync(join(dir, path));
    const textual = type === 'ESModule' || type === 'CommonJS' || type === 'Text';
    return {
      type: type as WorkerModule['type'],
      path,
      contents: textual ? bytes.toString('utf8') : new Uint8Array(bytes),
    };
  });
}
