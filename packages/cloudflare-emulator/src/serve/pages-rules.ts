/** Pages' `_redirects`, `_headers` and `_routes.json` rules, parsed once per deployment. */

export interface RedirectRule {
  from: RegExp;
  names: string[];
  to: string;
  status: number;
}

export interface HeaderRule {
  match: RegExp;
  names: string[];
  set: Array<[string, string]>;
  unset: string[];
}

/** `/blog/:slug/*` → a RegExp capturing placeholders and the splat. */
function patternToRegex(pattern: string): { re: RegExp; names: string[] } {
  const names: string[] = [];
  let src = '';
  for (const token of pattern.split(/(\*|:[A-Za-z]\w*)/)) {
    if (token === '*') {
      names.push('splat');
      src += '(.*)';
    } else if (token.startsWith(':') && token.length > 1) {
      names.push(token.slice(1));
      src += '([^/]+)';
    } else {
      src += token.replace(/[.+?^${}()|[\]\\]/g, '\\$&');
    }
  }
  return { re: new RegExp(`^${src}$`), names };
}

export function parseRedirects(text: string | undefined): RedirectRule[] {
  if (!text) return [];
  const rules: RedirectRule[] = [];
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) continue;
    const [from, to, status] = line.split(/\s+/);
    if (!from || !to) continue;
    const { re, names } = patternToRegex(from);
    rules.push({ from: re, names, to, status: status ? Number(status) : 302 });
  }
  return rules;
}

export function matchRedirect(rules: RedirectRule[], path: string): { to: string; status: number } | undefined {
  for (const r of rules) {
    const m = r.from.exec(path);
    if (!m) continue;
    let to = r.to;
    r.names.forEach((n, i) => {
      to = to.replaceAll(`:${n}`, m[i + 1] ?? '');
    });
    return { to, status: r.status };
  }
  return undefined;
}

export function parseHeaders(text: string | undefined): HeaderRule[] {
  if (!text) return [];
  const rules: HeaderRule[] = [];
  let current: HeaderRule | undefined;
  for (const raw of text.split(/\r?\n/)) {
    if (raw.trim() === '' || raw.trim().startsWith('#')) continue;
    if (!/^\s/.test(raw)) {
      const pattern = raw.trim().replace(/^https?:\/\/[^/]+/, '');
      const { re, names } = patternToRegex(pattern);
      current = { match: re, names, set: [], unset: [] };
      rules.push(current);
      continue;
    }
    if (!current) continue;
    const line = raw.trim();
    if (line.startsWith('!')) {
      current.unset.push(line.slice(1).trim().toLowerCase());
      continue;
    }
    const colon = line.indexOf(':');
    if (colon > 0) current.set.push([line.slice(0, colon).trim(), line.slice(colon + 1).trim()]);
  }
  return rules;
}

export function applyHeaders(rules: HeaderRule[], path: string, headers: Headers): void {
  for (const r of rules) {
    const m = r.match.exec(path);
    if (!m) continue;
    for (const name of r.unset) headers.delete(name);
    for (const [name, value] of r.set) {
      let v = value;
      r.names.forEach((n, i) => {
        v = v.replaceAll(`:${n}`, m[i + 1] ?? '');
      });
      headers.append(name, v);
    }
  }
}

/** Whether the Worker runs for a path: `_routes.json` include/exclude with `*` wildcards; no file means everything. */
export function routesToWorker(routesJson: string | undefined): (path: string) => boolean {
  if (!routesJson) return () => true;
  let parsed: { include?: string[]; exclude?: string[] };
  try {
    parsed = JSON.parse(routesJson) as typeof parsed;
  } catch {
    return () => true;
  }
  const toRe = (p: string) => new RegExp(`^${p.replace(/[.+?^${}()|[\]\\]/g, '\\$&').replaceAll('*', '.*')}$`);
  const include = (parsed.include ?? ['/*']).map(toRe);
  const exclude = (parsed.exclude ?? []).map(toRe);
  return (path) => !exclude.some((r) => r.test(path)) && include.some((r) => r.test(path));
}
