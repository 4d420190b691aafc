import { join } from 'node:path';
import { CfError } from '../envelope.ts';
import type { StateStore } from '../store/state.ts';
import { D1File } from './database-files.ts';
import type { D1Meta } from './types.ts';

/** D1 databases: metadata in the state document, rows in one SQLite file per database under <dataDir>/d1. */
export class D1Registry {
  private readonly open = new Map<string, D1File>();
  private readonly root: string;
  private readonly state: StateStore;
  constructor(state: StateStore, dataDir: string) {
    this.state = state;
    this.root = join(dataDir, 'd1');
  }

  list(): D1Meta[] {
    return Object.values(this.state.doc.d1);
  }

  /** Look up by uuid, or by name as wrangler does when it only knows the name. */
  find(idOrName: string): D1Meta | undefined {
    return this.state.doc.d1[idOrName] ?? this.list().find((d) => d.name === idOrName);
  }

  get(idOrName: string): D1Meta {
    const meta = this.find(idOrName);
    if (!meta)
      throw new CfError(404, 7404, `The database ${idOrName} could not be found: check the id with GET …/d1/database.`);
    return meta;
  }

  file(uuid: string): D1File {
    let f = this.open.get(uuid);
    if (!f) {
      f = new D1File(this.root, uuid);
      this.open.set(uuid, f);
    }
    return f;
  }

  add(meta: D1Meta): void {
    this.state.doc.d1[meta.uuid] = meta;
    this.state.save();
    this.file(meta.uuid);
  }

  remove(uuid: string): void {
    this.file(uuid).destroy();
    this.open.delete(uuid);
    delete this.state.doc.d1[uuid];
    this.state.save();
  }

  closeAll(): void {
    for (const f of this.open.values()) f.close();
    this.open.clear();
  }
}
