import { expect, it } from 'vitest';
import { sdk, type Target } from '../support/target.ts';

/** The account the token reaches, as wrangler and the program look it up (README "API token permissions"). */
export function identityBeliefs(target: () => Target): void {
  it('B29 accounts: the token lists its account and reads it by id', async () => {
    const t = target();
    const cf = sdk(t);
    const ids: string[] = [];
    for await (const a of cf.accounts.list()) ids.push(a.id);
    expect(ids).toContain(t.accountId);
    expect((await cf.accounts.get({ account_id: t.accountId })).id).toBe(t.accountId);
  });
}
