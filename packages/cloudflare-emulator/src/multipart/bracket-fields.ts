/**
 * The official SDK flattens objects into `metadata[bindings][0][name]`-style fields instead of one JSON part;
 * rebuild the object from them (values arrive as strings; `[]` is an array index).
 */
export function bracketFields(form: FormData, root: string): Record<string, unknown> | undefined {
  let out: Record<string, unknown> | undefined;
  for (const [field, value] of form.entries()) {
    if (typeof value !== 'string' || !field.startsWith(`${root}[`)) continue;
    const path = [...field.slice(root.length).matchAll(/\[([^\]]*)\]/g)].map((m) => m[1] as string);
    out ??= {};
    let node: Record<string, unknown> | unknown[] = out;
    path.forEach((key, i) => {
      const last = i === path.length - 1;
      const nextIsIndex = /^\d*$/.test(path[i + 1] ?? '');
      let k: string | number = key;
      if (Array.isArray(node)) {
        // `[]` appends, except that consecutive fields of one element (`a[][type]`, `a[][name]`) share it: reuse
        // the last element while it lacks the next key.
        const lastItem = node.at(-1) as Record<string, unknown> | undefined;
        const nextKey = path[i + 1];
        const reuse =
          key === '' &&
          !last &&
          typeof lastItem === 'object' &&
          lastItem !== null &&
          nextKey !== undefined &&
          !(nextKey in lastItem);
        k = key === '' ? (reuse ? node.length - 1 : node.length) : Number(key);
      }
      const container = node as Record<string | number, unknown>;
      if (last) {
        container[k] = value;
      } else {
        container[k] ??= nextIsIndex ? [] : {};
        node = container[k] as Record<string, unknown> | unknown[];
      }
    });
  }
  return out;
}
