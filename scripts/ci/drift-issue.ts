// pnpm exec tsx scripts/ci/drift-issue.ts --stack <stack> --outcome <success|failure> --run-url <url>
// Keeps one open issue per stack about drift: opened on the first failing check, commented on each further failing
// check while it lasts, and closed (with a comment) by the first clean check. Called by .github/workflows/drift.yml.
import { parseArgs } from 'node:util';
import { type GitHubIssues, issuesFromEnvironment } from './github';

export const DRIFT_LABEL = 'infra-drift';

export const driftTitle = (stack: string) => `Infra drift on ${stack}`;

export interface DriftCheck {
  stack: string;
  /** The check found changes (or could not run: either way someone has to look). */
  drifted: boolean;
  runUrl: string;
}

export type DriftAction = 'opened' | 'commented' | 'closed' | 'nothing';

/** Brings the stack's drift issue in line with one check's result; says what it did. */
export async function reconcileDriftIssue(check: DriftCheck, github: GitHubIssues): Promise<DriftAction> {
  const title = driftTitle(check.stack);
  await github.ensureLabel(DRIFT_LABEL, 'd93f0b', 'Cloudflare no longer matches the Pulumi program');
  const open = (await github.openIssues(DRIFT_LABEL))
    .filter((i) => i.title === title)
    .sort((a, b) => a.number - b.number);
  const [issue, ...duplicates] = open;
  for (const extra of duplicates) {
    await github.comment(extra.number, `Duplicate of #${issue?.number}: one issue per stack.`);
    await github.close(extra.number);
  }
  if (check.drifted) {
    if (issue) {
      await github.comment(issue.number, `Still drifting: ${check.runUrl}`);
      return 'commented';
    }
    await github.createIssue(
      title,
      [
        `The drift check found that the ${check.stack} stack no longer matches the program (or could not check): ${check.runUrl}`,
        '',
        `The run shows the differences (\`pulumi preview --refresh --diff\`). Repair them with \`pulumi up --refresh --stack ${check.stack}\` from main, or change the program if the change is wanted.`,
        'Each further failing check comments here; the first clean check closes this issue.',
      ].join('\n'),
      DRIFT_LABEL,
    );
    return 'opened';
  }
  if (!issue) return 'nothing';
  await github.comment(issue.number, `No drift any more: ${check.runUrl}`);
  await github.close(issue.number);
  return 'closed';
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: { stack: { type: 'string' }, outcome: { type: 'string' }, 'run-url': { type: 'string' } },
  });
  const { stack, outcome } = values;
  const runUrl = values['run-url'];
  if (!stack || !runUrl || (outcome !== 'success' && outcome !== 'failure')) {
    throw new Error('usage: drift-issue.ts --stack <stack> --outcome <success|failure> --run-url <url>');
  }
  const action = await reconcileDriftIssue({ stack, drifted: outcome === 'failure', runUrl }, issuesFromEnvironment());
  console.log(`drift issue for ${stack}: ${action}`);
}

if (require.main === module) {
  main().catch((error: unknown) => {
    console.error(`[drift-issue] ${error instanceof Error ? error.message : String(error)}`);
    process.exitCode = 1;
  });
}
