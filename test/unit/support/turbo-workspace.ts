import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, realpathSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

const REPO = join(__dirname, '..', '..', '..');

/**
 * A throwaway pnpm workspace that this repository's turbo can plan and build: the root package.json (with the
 * package manager turbo reads), pnpm-workspace.yaml, this repository's own turbo.json, `node_modules/turbo` linked
 * to the installed one, and `files` on top (package folders, pnpm-lock.yaml). A git repository with everything
 * committed, or with only the root's files committed and the packages untracked (as new files are before a commit:
 * turbo hashes them too; in a repository without any commit it would hash ignored files as well), or no git.
 */
export function makeTurboWorkspace(
  files: Record<string, string>,
  { git = 'committed' }: { git?: 'committed' | 'untracked' | 'none' } = {},
): string {
  const root = mkdtempSync(join(tmpdir(), 'turbo-workspace-'));
  writeFiles(root, {
    'package.json': JSON.stringify({ name: 'fixture', private: true, packageManager: 'pnpm@10.34.9' }),
    'pnpm-workspace.yaml': 'packages:\n  - packages/*\n  - packages/*/workers/*\n',
    ...files,
  });
  copyFileSync(join(REPO, 'turbo.json'), join(root, 'turbo.json'));
  mkdirSync(join(root, 'node_modules'), { recursive: true });
  symlinkSync(realpathSync(join(REPO, 'node_modules', 'turbo')), join(root, 'node_modules', 'turbo'));
  if (git !== 'none') runGit(root, 'init', '-q');
  if (git !== 'none') {
    runGit(root, 'add', git === 'committed' ? '-A' : ':(exclude)packages');
    runGit(root, 'commit', '-q', '-m', 'base');
  }
  return root;
}

export function writeFiles(root: string, files: Record<string, string>): void {
  for (const [path, content] of Object.entries(files)) {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), content);
  }
}

export function runGit(root: string, ...args: string[]): void {
  execFileSync('git', ['-c', 'user.name=t', '-c', 'user.email=t@example.com', ...args], { cwd: root, stdio: 'ignore' });
}
