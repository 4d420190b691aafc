import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { describeEdits, migrationStatus } from '../../infra/plan/migrations';

const fingerprint = fc.record({
  name: fc.stringMatching(/^[0-9]{4}_[a-z]{1,8}\.sql$/),
  sha256: fc.stringMatching(/^[0-9a-f]{8}$/),
});
const files = fc
  .uniqueArray(fingerprint, { selector: (f) => f.name, maxLength: 12 })
  .map((list) => [...list].sort((a, b) => a.name.localeCompare(b.name)));

describe('migration status', () => {
  it('applies exactly the files not yet recorded or present on the database, in file order', () => {
    fc.assert(
      fc.property(files, fc.nat(), fc.nat(), (all, recordedCount, onDbCount) => {
        const recorded = all.slice(0, recordedCount % (all.length + 1));
        const onDatabase = all.slice(0, onDbCount % (all.length + 1)).map((f) => f.name);
        const status = migrationStatus(all, recorded, onDatabase);
        const applied = new Set([...recorded.map((f) => f.name), ...onDatabase]);
        expect(status.pending).toEqual(all.filter((f) => !applied.has(f.name)).map((f) => f.name));
        expect(status.edited).toEqual([]);
      }),
    );
  });

  it('reports an edited applied file by name and never schedules it again', () => {
    fc.assert(
      fc.property(
        files.filter((f) => f.length > 0),
        fc.nat(),
        (all, pick) => {
          const target = all[pick % all.length] as (typeof all)[number];
          const edited = all.map((f) => (f === target ? { ...f, sha256: `${f.sha256}ff` } : f));
          const status = migrationStatus(edited, all, []);
          expect(status.edited).toEqual([
            { name: target.name, appliedSha256: target.sha256, currentSha256: `${target.sha256}ff` },
          ]);
          expect(status.pending).toEqual([]);
        },
      ),
    );
  });

  it('explains what to do about an edit', () => {
    const message = describeEdits('createsomething-io', [
      { name: '0001_init.sql', appliedSha256: 'a'.repeat(64), currentSha256: 'b'.repeat(64) },
    ]);
    expect(message).toContain('createsomething-io');
    expect(message).toContain('0001_init.sql');
    expect(message).toMatch(/new migration file/);
  });
});
