// The few GitHub REST calls the CI scripts make, behind an interface so the scripts are tested with a fake.

export interface Issue {
  number: number;
  title: string;
}

export interface IssueComment {
  id: number;
  body: string;
}

export interface GitHubIssues {
  /** Open issues (not pull requests) carrying `label`. */
  openIssues(label: string): Promise<Issue[]>;
  createIssue(title: string, body: string, label: string): Promise<Issue>;
  comment(issue: number, body: string): Promise<void>;
  close(issue: number): Promise<void>;
  comments(issue: number): Promise<IssueComment[]>;
  updateComment(id: number, body: string): Promise<void>;
  /** Creates the label if the repository does not have it yet. */
  ensureLabel(label: string, color: string, description: string): Promise<void>;
}

/** The REST API of `repository` (`owner/name`) with a token (the job's GITHUB_TOKEN). */
export function restIssues(repository: string, token: string, apiUrl = 'https://api.github.com'): GitHubIssues {
  const call = async (method: string, path: string, body?: unknown, allowed: number[] = []): Promise<unknown> => {
    const res = await fetch(`${apiUrl}/repos/${repository}${path}`, {
      method,
      headers: {
        authorization: `Bearer ${token}`,
        accept: 'application/vnd.github+json',
        'x-github-api-version': '2022-11-28',
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    if (!res.ok && !allowed.includes(res.status)) {
      throw new Error(`GitHub ${method} ${path} answered ${res.status}: ${(await res.text()).slice(0, 500)}`);
    }
    return res.status === 204 ? undefined : res.json();
  };
  const pages = async <T>(path: string): Promise<T[]> => {
    const all: T[] = [];
    for (let page = 1; ; page++) {
      const batch = (await call('GET', `${path}${path.includes('?') ? '&' : '?'}per_page=100&page=${page}`)) as T[];
      all.push(...batch);
      if (batch.length < 100) return all;
    }
  };
  return {
    async openIssues(label) {
      const issues = await pages<Issue & { pull_request?: unknown }>(
        `/issues?state=open&labels=${encodeURIComponent(label)}`,
      );
      return issues.filter((i) => !i.pull_request).map(({ number, title }) => ({ number, title }));
    },
    async createIssue(title, body, label) {
      const { number } = (await call('POST', '/issues', { title, body, labels: [label] })) as Issue;
      return { number, title };
    },
    async comment(issue, body) {
      await call('POST', `/issues/${issue}/comments`, { body });
    },
    async close(issue) {
      await call('PATCH', `/issues/${issue}`, { state: 'closed', state_reason: 'completed' });
    },
    async comments(issue) {
      return (await pages<IssueComment>(`/issues/${issue}/comments`)).map(({ id, body }) => ({ id, body }));
    },
    async updateComment(id, body) {
      await call('PATCH', `/issues/comments/${id}`, { body });
    },
    async ensureLabel(label, color, description) {
      // 422: it exists already.
      await call('POST', '/labels', { name: label, color, description }, [422]);
    },
  };
}

/** The API for the repository of this GitHub Actions run (GITHUB_REPOSITORY, GITHUB_TOKEN, GITHUB_API_URL). */
export function issuesFromEnvironment(env: NodeJS.ProcessEnv = process.env): GitHubIssues {
  const repository = env.GITHUB_REPOSITORY;
  const token = env.GITHUB_TOKEN ?? env.GH_TOKEN;
  if (!repository || !token) throw new Error('GITHUB_REPOSITORY and GITHUB_TOKEN must be set (run it in a workflow).');
  return restIssues(repository, token, env.GITHUB_API_URL);
}
