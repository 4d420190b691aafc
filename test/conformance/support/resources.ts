import { expect } from 'vitest';

interface Tracked {
  what: string;
  remove: () => Promise<unknown>;
  /** Resolves true while the resource still exists. */
  exists: () => Promise<boolean>;
}

/**
 * What one belief created, removed in `finally` whatever the belief's outcome, newest first, and then checked gone:
 * on a real account nothing a run creates may outlive it.
 */
export class Created {
  private readonly items: Tracked[] = [];

  add(what: string, remove: () => Promise<unknown>, exists: () => Promise<boolean>): void {
    this.items.push({ what, remove, exists });
  }

  async removeAll(): Promise<void> {
    const failures: string[] = [];
    for (const item of [...this.items].reverse()) {
      try {
        await item.remove();
      } catch (error) {
        failures.push(`${item.what}: delete failed: ${(error as Error).message}`);
      }
    }
    for (const item of this.items) {
      if (await item.exists().catch(() => true)) failures.push(`${item.what} still exists after it was deleted`);
    }
    expect(failures, 'everything a belief creates is deleted').toEqual([]);
  }
}

/** Run `body` with a fresh registry; whatever it registered is deleted and checked gone afterwards. */
export async function withCreated(body: (created: Created) => Promise<void>): Promise<void> {
  const created = new Created();
  let failed: unknown;
  try {
    await body(created);
  } catch (error) {
    failed = error;
  }
  try {
    await created.removeAll();
  } catch (cleanup) {
    // Both matter: the broken belief, and what it left behind.
    if (failed) throw new AggregateError([failed, cleanup], `${(failed as Error).message}; and the cleanup failed`);
    throw cleanup;
  }
  if (failed) throw failed;
}

/** True unless `get` fails with a 404: how "gone" is told for every kind of resource. */
export async function existsUnless404(get: () => Promise<unknown>): Promise<boolean> {
  try {
    await get();
    return true;
  } catch (error) {
    if ((error as { status?: number }).status === 404) return false;
    throw error;
  }
}
