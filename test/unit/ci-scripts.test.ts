import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import { DRIFT_LABEL, driftTitle, reconcileDriftIssue } from '../../scripts/ci/drift-issue';
import { type GitHubIssues, type IssueComment, restIssues } from '../../scripts/ci/github';
import {
  COMMENT_MARKER,
  MAX_PREVIEW_CHARS,
  previewSummary,
  renderComment,
  upsertComment,
} from '../../scripts/ci/pr-comment';

/** An in-memory repository: issues with labels, state and comments. */
function fakeRepository() {
  const issues: { number: number; title: string; label: string; open: boolean; comments: IssueComment[] }[] = [];
  const labels = new Set<string>();
  let nextId = 1;
  const find = (n: number) => {
    const issue = issues.find((i) => i.number === n);
    if (!issue) throw new Error(`no issue #${n}`);
    return issue;
  };
  const api: GitHubIssues = {
    async openIssues(label) {
      return issues.filter((i) => i.open && i.label === label).map(({ number, title }) => ({ number, title }));
    },
    async createIssue(title, _body, label) {
      const issue = { number: issues.length + 1, title, label, open: true, comments: [] };
      issues.push(issue);
      return { number: issue.number, title };
    },
    async comment(n, body) {
      find(n).comments.push({ id: nextId++, body });
    },
    async close(n) {
      find(n).open = false;
    },
    async comments(n) {
      return find(n).comments;
    },
    async updateComment(id, body) {
      const comment = issues.flatMap((i) => i.comments).find((c) => c.id === id);
      if (!comment) throw new Error(`no comment ${id}`);
      comment.body = body;
    },
    async ensureLabel(label) {
      labels.add(label);
    },
  };
  return { api, issues, labels };
}

const RUN = (n: number) => `https://github.com/o/r/actions/runs/${n}`;

describe('drift issue: one open issue per stack', () => {
  it('opens it on the first drift, comments while drift lasts, closes it when clean, per stack', async () => {
    const repo = fakeRepository();
    const check = (stack: string, drifted: boolean, run: number) =>
      reconcileDriftIssue({ stack, drifted, runUrl: RUN(run) }, repo.api);

    expect(await check('prod', false, 1)).toBe('nothing');
    expect(repo.issues).toEqual([]);
    expect(await check('prod', true, 2)).toBe('opened');
    expect(await check('staging', true, 3)).toBe('opened');
    expect(await check('prod', true, 4)).toBe('commented');
    expect(await check('prod', true, 5)).toBe('commented');
    expect(repo.issues.filter((i) => i.open).map((i) => i.title)).toEqual([driftTitle('prod'), driftTitle('staging')]);
    expect(repo.issues[0]?.comments.map((c) => c.body)).toEqual([
      `Still drifting: ${RUN(4)}`,
      `Still drifting: ${RUN(5)}`,
    ]);

    expect(await check('prod', false, 6)).toBe('closed');
    expect(repo.issues[0]?.open).toBe(false);
    expect(repo.issues[0]?.comments.at(-1)?.body).toBe(`No drift any more: ${RUN(6)}`);
    expect(repo.issues[1]?.open).toBe(true); // staging still drifts

    // Drift again later: a new issue, the closed one stays closed.
    expect(await check('prod', true, 7)).toBe('opened');
    expect(repo.issues.filter((i) => i.title === driftTitle('prod')).map((i) => i.open)).toEqual([false, true]);
    expect(repo.labels).toEqual(new Set([DRIFT_LABEL]));
  });

  it('closes duplicates (say, from the old one-issue-a-day workflow) into the oldest', async () => {
    const repo = fakeRepository();
    await repo.api.createIssue(driftTitle('prod'), '', DRIFT_LABEL);
    await repo.api.createIssue(driftTitle('prod'), '', DRIFT_LABEL);
    expect(await reconcileDriftIssue({ stack: 'prod', drifted: true, runUrl: RUN(1) }, repo.api)).toBe('commented');
    expect(repo.issues.map((i) => i.open)).toEqual([true, false]);
    expect(repo.issues[1]?.comments[0]?.body).toBe('Duplicate of #1: one issue per stack.');
  });
});

const PREVIEW = [
  'Previewing update (staging):',
  '  ~ pulumi-nodejs:dynamic/create-something:D1Migrations space-migrations update [diff: ~files]',
  '',
  'Resources:',
  '    ~ 1 to update',
  '    37 unchanged',
  '',
].join('\n');
const APPS = {
  space: { productionUrl: 'https://createsomething-space-pr-7.pages.dev/' },
  io: { productionUrl: 'https://createsomething-io-pr-7.pages.dev/' },
  agency: { productionUrl: 'https://createsomething-agency-pr-7.pages.dev/' },
  ltd: { productionUrl: 'https://createsomething-ltd-pr-7.pages.dev/' },
};

describe('the pull request comment', () => {
  const base = { pullRequest: 7, commit: '0123456789abcdef', runUrl: RUN(9) };

  it('lists the four review sites and each preview with its summary', () => {
    const body = renderComment({
      ...base,
      review: 'success',
      apps: APPS,
      previews: [
        { stack: 'staging', output: PREVIEW },
        { stack: 'prod', output: PREVIEW.replace('staging', 'prod') },
      ],
    });
    expect(body.startsWith(`${COMMENT_MARKER}\n### Review stack \`pr-7\`\n`)).toBe(true);
    for (const [app, { productionUrl }] of Object.entries(APPS))
      expect(body).toContain(`| ${app} | ${productionUrl} |`);
    expect(body).toContain('<details><summary><b>staging</b>: ~ 1 to update, 37 unchanged</summary>');
    expect(body).toContain('<details><summary><b>prod</b>: ~ 1 to update, 37 unchanged</summary>');
    expect(body).toContain('```diff\nPreviewing update (staging):');
    expect(body).toContain('`0123456`');
  });

  it('says when the review stack or a preview failed, and when the stack was destroyed', () => {
    const failed = renderComment({ ...base, review: 'failure', previews: [{ stack: 'staging' }] });
    expect(failed).toContain(`The review stack could not be brought up for \`0123456\`: see the [run](${RUN(9)}).`);
    expect(failed).toContain(
      `**staging**: no preview yet (it did not run, or it waits for a reviewer to approve its environment); see the [run](${RUN(9)}).`,
    );
    expect(failed).not.toContain('| site |');
    const destroyed = renderComment({ ...base, review: 'success', previews: [], destroyed: true });
    expect(destroyed).toBe(
      `${COMMENT_MARKER}\n### Review stack \`pr-7\`\n\nThe pull request was closed: \`pr-7\` was destroyed and removed ([run](${RUN(9)})).`,
    );
  });

  it('stays under GitHub comment size, and fences previews that contain backticks', () => {
    const huge = `${'x'.repeat(100_000)}\n\nResources:\n    + 1 to create\n`;
    const body = renderComment({
      ...base,
      review: 'success',
      apps: APPS,
      previews: [
        { stack: 'staging', output: huge },
        { stack: 'prod', output: huge },
      ],
    });
    expect(body.length).toBeLessThan(65_536);
    expect(body).toContain(`truncated (${huge.trim().length} characters)`);
    expect(MAX_PREVIEW_CHARS * 2).toBeLessThan(65_536);
    const fenced = renderComment({
      ...base,
      review: 'success',
      apps: APPS,
      previews: [{ stack: 's', output: 'a ``` b' }],
    });
    expect(fenced).toContain('````diff\na ``` b\n````');
  });

  it('lists every pending migration and every destructive file in full, even when the preview itself is cut', () => {
    // A large seed first, then a DROP: the cut at MAX_PREVIEW_CHARS falls long before the DROP's file.
    const seed = `INSERT INTO t VALUES ${'(1),'.repeat(10_000)}(1);`;
    const preview = [
      'Previewing update (prod):',
      '    ~ createsomething:d1:Migrations: (update)',
      '      ~ files: [',
      '          + [1]: {',
      '                  + name  : "0002_big_seed.sql"',
      `                  + sql   : "${seed}"`,
      '                }',
      '          + [2]: {',
      '                  + name  : "0003_drop_legacy.sql"',
      '                  + sql   : "DROP TABLE legacy;"',
      '                }',
      '        ]',
      'Resources:',
      '    ~ 1 to update',
    ].join('\n');
    const refused =
      'error: D1 migrations for createsomething-io would be refused; nothing was applied:\n  0004_wipe.sql line 1: delete without where: DELETE on x without WHERE deletes every row. On a protected stack …';
    const migrationFiles = [
      { path: 'packages/ltd/migrations/0002_big_seed.sql', name: '0002_big_seed.sql', sql: seed },
      {
        path: 'packages/ltd/migrations/0003_drop_legacy.sql',
        name: '0003_drop_legacy.sql',
        sql: '-- destructive: moved to io in 0002\nDROP TABLE legacy;',
      },
      { path: 'packages/io/migrations/0004_wipe.sql', name: '0004_wipe.sql', sql: 'DELETE FROM x;' },
      { path: 'packages/io/migrations/0001_applied.sql', name: '0001_applied.sql', sql: 'DROP TABLE old;' },
    ];
    const body = renderComment({
      ...base,
      review: 'success',
      apps: APPS,
      previews: [
        { stack: 'staging', output: preview.replace('prod', 'staging') },
        { stack: 'prod', output: `${preview}\n${refused}` },
      ],
      migrationFiles,
    });
    expect(preview.length).toBeGreaterThan(MAX_PREVIEW_CHARS);
    expect(body).toContain('truncated');
    expect(body).toContain('**prod** pending: `0002_big_seed.sql`, `0003_drop_legacy.sql`');
    expect(body).toContain('**staging** pending: `0002_big_seed.sql`, `0003_drop_legacy.sql`');
    expect(body).toContain(
      '- `packages/ltd/migrations/0003_drop_legacy.sql` (reason: moved to io in 0002)\n  - line 2: drop table: ',
    );
    expect(body).toContain(
      '- `packages/io/migrations/0004_wipe.sql` (**no reason given: prod refuses it**)\n  - line 1: delete without where',
    );
    // Applied files are history: not listed.
    expect(body).not.toContain('0001_applied.sql');
    expect(body.indexOf('### Migrations')).toBeLessThan(body.indexOf('### What merging changes'));
  });

  it('reads the summary of a preview that was cut short as such', () => {
    expect(previewSummary('error: something')).toBe('no summary (the preview did not finish: see the run)');
    expect(previewSummary('Resources:\n    \u001b[32m+ 2 to create\u001b[0m\n\nDuration: 3s')).toBe('+ 2 to create');
  });

  it('is written once and edited afterwards, never a second time', async () => {
    const repo = fakeRepository();
    const { number } = await repo.api.createIssue('a pull request', '', 'none');
    await repo.api.comment(number, 'a human comment');
    expect(await upsertComment(repo.api, number, `${COMMENT_MARKER}\nfirst`)).toBe('created');
    expect(await upsertComment(repo.api, number, `${COMMENT_MARKER}\nsecond`)).toBe('updated');
    expect(repo.issues[0]?.comments.map((c) => c.body)).toEqual(['a human comment', `${COMMENT_MARKER}\nsecond`]);
  });
});

describe('the GitHub REST calls', () => {
  it('page through issues and comments, skip pull requests, and send the documented requests', async () => {
    const seen: string[] = [];
    const server = createServer((req, res) => {
      let body = '';
      req.on('data', (c: Buffer) => {
        body += c.toString();
      });
      req.on('end', () => {
        seen.push(`${req.method} ${req.url} ${body} ${req.headers.authorization}`);
        const url = new URL(req.url ?? '/', 'http://x');
        res.setHeader('content-type', 'application/json');
        if (req.method === 'GET' && url.pathname === '/repos/o/r/issues') {
          const page = Number(url.searchParams.get('page'));
          const items =
            page === 1
              ? Array.from({ length: 100 }, (_, i) => ({ number: i + 1, title: `t${i + 1}`, pull_request: {} }))
              : [{ number: 101, title: driftTitle('prod') }];
          return res.end(JSON.stringify(items));
        }
        if (req.method === 'POST' && url.pathname === '/repos/o/r/labels') {
          res.statusCode = 422;
          return res.end('{"message":"Validation Failed"}');
        }
        if (req.method === 'POST' && url.pathname === '/repos/o/r/issues') return res.end('{"number":5}');
        res.end('{}');
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const api = restIssues('o/r', 'tkn', `http://127.0.0.1:${(server.address() as AddressInfo).port}`);
    try {
      await api.ensureLabel(DRIFT_LABEL, 'd93f0b', 'd');
      expect(await api.openIssues(DRIFT_LABEL)).toEqual([{ number: 101, title: driftTitle('prod') }]);
      expect(await api.createIssue('T', 'B', DRIFT_LABEL)).toEqual({ number: 5, title: 'T' });
      await api.comment(5, 'c');
      await api.close(5);
      await api.updateComment(9, 'u');
    } finally {
      server.close();
    }
    expect(seen).toEqual([
      'POST /repos/o/r/labels {"name":"infra-drift","color":"d93f0b","description":"d"} Bearer tkn',
      'GET /repos/o/r/issues?state=open&labels=infra-drift&per_page=100&page=1  Bearer tkn',
      'GET /repos/o/r/issues?state=open&labels=infra-drift&per_page=100&page=2  Bearer tkn',
      'POST /repos/o/r/issues {"title":"T","body":"B","labels":["infra-drift"]} Bearer tkn',
      'POST /repos/o/r/issues/5/comments {"body":"c"} Bearer tkn',
      'PATCH /repos/o/r/issues/5 {"state":"closed","state_reason":"completed"} Bearer tkn',
      'PATCH /repos/o/r/issues/comments/9 {"body":"u"} Bearer tkn',
    ]);
  });
});
