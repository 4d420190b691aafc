// pnpm exec tsx scripts/ci/pr-comment.ts --pr <n> --commit <sha> --run-url <url> [--apps apps.json]
//   [--preview staging=preview-staging.txt] [--preview prod=preview-prod.txt] [--review success|failure]
//   [--destroyed]
// Writes the one comment a pull request gets (found again by a marker and edited, never a second one): the review
// stack's four site URLs and what merging changes on staging and prod (`pulumi preview --diff`). Called by
// .github/workflows/pull-request.yml; only the job's GITHUB_TOKEN is needed.
import { existsSync, readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { type GitHubIssues, issuesFromEnvironment } from './github';
import { type MigrationFile, migrationFilesOnDisk, migrationReport, renderMigrationReport } from './migration-report';

export const COMMENT_MARKER = '<!-- create-something:pull-request -->';
/** GitHub refuses comments over 65,536 characters; two previews must fit with the rest. */
export const MAX_PREVIEW_CHARS = 25_000;

export interface AppUrls {
  [app: string]: { productionUrl?: string };
}

export interface CommentInput {
  pullRequest: number;
  commit: string;
  runUrl: string;
  /** `pulumi stack output apps` of the review stack, when it came up. */
  apps?: AppUrls;
  /** How bringing the review stack up went. */
  review: 'success' | 'failure';
  /** `pulumi preview --diff` output per stack, when it ran. */
  previews: { stack: string; output?: string }[];
  /** The pull request was closed and its review stack destroyed. */
  destroyed?: boolean;
  /** The migration files of the checkout, for the never-cut migrations section. */
  migrationFiles?: readonly MigrationFile[];
}

const ANSI = new RegExp(`${String.fromCharCode(27)}\\[[0-9;]*m`, 'g');

/** `+ 2 to create, ~ 1 to update, 12 unchanged` from the `Resources:` block of a preview. */
export function previewSummary(output: string): string {
  const lines = output.replace(ANSI, '').split('\n');
  const start = lines.findIndex((l) => l.trim() === 'Resources:');
  if (start < 0) return 'no summary (the preview did not finish: see the run)';
  const block: string[] = [];
  for (const line of lines.slice(start + 1)) {
    if (line.trim() === '') break;
    block.push(line.trim());
  }
  return block.join(', ');
}

function fenced(text: string): string {
  const longest = Math.max(0, ...[...text.matchAll(/`+/g)].map((m) => m[0].length));
  const fence = '`'.repeat(Math.max(3, longest + 1));
  return `${fence}diff\n${text}\n${fence}`;
}

export function renderComment(input: CommentInput): string {
  const stack = `pr-${input.pullRequest}`;
  const short = input.commit.slice(0, 7);
  const out = [COMMENT_MARKER, `### Review stack \`${stack}\``, ''];
  if (input.destroyed) {
    out.push(`The pull request was closed: \`${stack}\` was destroyed and removed ([run](${input.runUrl})).`);
    return out.join('\n');
  }
  if (input.review === 'success' && input.apps) {
    out.push(
      `\`${short}\` is live in the review account, with its own D1 and KV (every migration applied). Closing the pull request destroys it.`,
      '',
      '| site | URL |',
      '| --- | --- |',
      ...Object.entries(input.apps).map(([app, o]) => `| ${app} | ${o.productionUrl ?? '(no URL)'} |`),
    );
  } else {
    out.push(`The review stack could not be brought up for \`${short}\`: see the [run](${input.runUrl}).`);
  }
  // Before anything that may be cut: every pending migration by name and every destructive one, in full.
  out.push('', ...renderMigrationReport(migrationReport(input.previews, input.migrationFiles ?? [])));
  out.push('### What merging changes', '');
  for (const { stack: target, output } of input.previews) {
    if (output === undefined) {
      // prod's preview waits for a reviewer's approval of its environment (README "How PR review works").
      out.push(
        `**${target}**: no preview yet (it did not run, or it waits for a reviewer to approve its environment); see the [run](${input.runUrl}).`,
        '',
      );
      continue;
    }
    const clean = output.replace(ANSI, '').trim();
    const shown =
      clean.length > MAX_PREVIEW_CHARS
        ? `${clean.slice(0, MAX_PREVIEW_CHARS)}\n… truncated (${clean.length} characters): the whole preview is in the run.`
        : clean;
    out.push(
      `<details><summary><b>${target}</b>: ${previewSummary(clean)}</summary>`,
      '',
      fenced(shown),
      '',
      '</details>',
      '',
    );
  }
  out.push(`Updated for \`${short}\` by [this run](${input.runUrl}).`);
  return out.join('\n');
}

/** Edits the pull request's comment (the one with the marker), or writes it the first time. */
export async function upsertComment(
  github: GitHubIssues,
  pullRequest: number,
  body: string,
): Promise<'created' | 'updated'> {
  const existing = (await github.comments(pullRequest)).find((c) => c.body.startsWith(COMMENT_MARKER));
  if (existing) {
    await github.updateComment(existing.id, body);
    return 'updated';
  }
  await github.comment(pullRequest, body);
  return 'created';
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      pr: { type: 'string' },
      commit: { type: 'string' },
      'run-url': { type: 'string' },
      apps: { type: 'string' },
      preview: { type: 'string', multiple: true },
      review: { type: 'string', default: 'failure' },
      destroyed: { type: 'boolean', default: false },
    },
  });
  const pullRequest = Number(values.pr);
  const runUrl = values['run-url'];
  if (!Number.isInteger(pullRequest) || pullRequest < 1 || !values.commit || !runUrl) {
    throw new Error('usage: pr-comment.ts --pr <n> --commit <sha> --run-url <url> [--apps f] [--preview stack=f]…');
  }
  const review = values.review === 'success' ? 'success' : 'failure';
  const readIfThere = (file: string | undefined) => (file && existsSync(file) ? readFileSync(file, 'utf8') : undefined);
  const appsText = readIfThere(values.apps);
  const previews = (values.preview ?? []).map((entry) => {
    const [stack = entry, file] = entry.split('=');
    const output = readIfThere(file);
    return output === undefined ? { stack } : { stack, output };
  });
  const body = renderComment({
    pullRequest,
    commit: values.commit,
    runUrl,
    review,
    previews,
    destroyed: values.destroyed,
    migrationFiles: migrationFilesOnDisk(process.cwd()),
    ...(appsText ? { apps: JSON.parse(appsText) as AppUrls } : {}),
  });
  console.log(`pull request comment: ${await upsertComment(issuesFromEnvironment(), pullRequest, body)}`);
}

if (require.main === module) {
  main().catch((error: unknown) => {
    console.error(`[pr-comment] ${error instanceof Error ? error.message : String(error)}`);
    process.exitCode = 1;
  });
}
