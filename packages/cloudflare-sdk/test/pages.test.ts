import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { CloudflareNotFoundError } from '../src/index.js';
import { clientFor, rejectionOf } from './support/client.js';
import { FakeCloudflareApi } from './support/fake-api.js';

const api = new FakeCloudflareApi();
beforeAll(() => api.start());
afterAll(() => api.stop());
beforeEach(() => api.reset());

function deployment(id: string, created_on: string, environment = 'production') {
  return { id, created_on, environment, url: `https://${id}.createsomething-space.pages.dev` };
}

describe('pages', () => {
  it('lists every project across pages', async () => {
    api.projects = Array.from({ length: 23 }, (_, i) => ({ name: `p-${i}`, subdomain: `p-${i}.pages.dev` }));
    const projects = await clientFor(api).pages.listProjects();
    expect(projects.map((p) => p.name)).toEqual(api.projects.map((p) => p.name));
    expect(api.calls()).toEqual([
      'GET /pages/projects?per_page=10',
      'GET /pages/projects?per_page=10&page=2',
      'GET /pages/projects?per_page=10&page=3',
    ]);
  });

  it('gets a project, or throws CloudflareNotFoundError naming it (404, code 8000007)', async () => {
    api.projects = [{ name: 'createsomething-space', subdomain: 'createsomething-space.pages.dev' }];
    const cf = clientFor(api);
    expect(await cf.pages.getProject('createsomething-space')).toMatchObject({ name: 'createsomething-space' });
    const error = await rejectionOf(cf.pages.getProject('createsomething-nope'));
    expect(error).toBeInstanceOf(CloudflareNotFoundError);
    expect(error).toMatchObject({ resource: 'Pages project', id: 'createsomething-nope', status: 404 });
    expect((error as CloudflareNotFoundError).codes).toEqual([8000007]);
    expect(error.message).toMatch(
      /^Pages project "createsomething-nope" not found \(.*code 8000007: Project not found/,
    );
  });

  it('lists deployments across pages, filtered by environment', async () => {
    api.projects = [{ name: 'space', subdomain: 'space.pages.dev' }];
    const all = Array.from({ length: 30 }, (_, i) =>
      deployment(`d${i}`, new Date(Date.UTC(2026, 0, 30 - i)).toISOString(), i % 3 === 0 ? 'preview' : 'production'),
    );
    api.deployments.set('space', all);
    const cf = clientFor(api);
    expect((await cf.pages.listDeployments('space')).map((d) => d.id)).toEqual(all.map((d) => d.id));
    const previews = await cf.pages.listDeployments('space', { env: 'preview' });
    expect(previews.map((d) => d.id)).toEqual(all.filter((d) => d.environment === 'preview').map((d) => d.id));
    expect(api.calls()).toEqual([
      'GET /pages/projects/space/deployments?per_page=25',
      'GET /pages/projects/space/deployments?per_page=25&page=2',
      'GET /pages/projects/space/deployments?per_page=25&env=preview',
    ]);
  });

  it('finds the latest deployment from the first page, whatever its order; null when there is none', async () => {
    api.projects = [{ name: 'space', subdomain: 'space.pages.dev' }];
    api.deployments.set('space', [
      deployment('old', '2026-01-01T00:00:00Z'),
      deployment('newest', '2026-03-01T00:00:00Z'),
      deployment('mid', '2026-02-01T00:00:00Z'),
    ]);
    const cf = clientFor(api);
    expect((await cf.pages.latestDeployment('space'))?.id).toBe('newest');
    api.deployments.set('space', []);
    expect(await cf.pages.latestDeployment('space')).toBeNull();
    await expect(cf.pages.latestDeployment('nope')).rejects.toBeInstanceOf(CloudflareNotFoundError);
  });
});
