import { execFile } from 'node:child_process';

/**
 * Runs a command without blocking the event loop (the emulator answers from this same process) and fails with its
 * output when it exits non-zero.
 */
export function exec(
  command: string,
  args: string[],
  options: { cwd: string; env: NodeJS.ProcessEnv },
): Promise<{ stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    execFile(command, args, { ...options, maxBuffer: 256 * 1024 * 1024 }, (error, stdout, stderr) => {
      if (error) {
        reject(
          new Error(
            `${command} ${args.join(' ')} failed (${error.message})\n${stdout.slice(-4000)}\n${stderr.slice(-4000)}`,
          ),
        );
      } else resolve({ stdout, stderr });
    });
  });
}
