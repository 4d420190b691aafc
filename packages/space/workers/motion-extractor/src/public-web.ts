import ipaddr from 'ipaddr.js';

/**
 * Which addresses the Worker's browser may reach: the public web only. The same rule is applied to the target the
 * caller names and to every request the page then makes (redirect hops, frames, subresources, its own fetches),
 * so a public page cannot lead the browser into a private network, the cloud metadata service or this machine.
 *
 * Host names are judged as written: a public name that resolves to a private address is not caught here (that needs
 * a DNS lookup before each request, which request interception cannot do).
 */

/** Ports the browser may connect to: the web's own. Anything else is a service that is not a web page. */
const WEB_PORTS = new Set(['', '80', '443']);

/** Schemes a page may use for subresources without a network request of its own. */
const LOCAL_SCHEMES = new Set(['data:', 'blob:', 'about:']);

/** Special-use and internal-only top-level names (RFC 6761, 6762, 8375 and common private suffixes). */
const PRIVATE_SUFFIXES = ['localhost', 'local', 'internal', 'intranet', 'lan', 'home.arpa', 'localdomain', 'corp'];

/** Words for ipaddr.js's range names, so a refusal reads as a reason. */
const RANGE_WORDS: Record<string, string> = {
  loopback: 'a loopback address',
  private: 'a private address',
  uniqueLocal: 'a private (unique local) address',
  linkLocal: 'a link-local address', // where cloud metadata services answer
  carrierGradeNat: 'a carrier-grade NAT address',
  unspecified: 'the unspecified address',
  broadcast: 'the broadcast address',
  multicast: 'a multicast address',
  reserved: 'a reserved address',
};

/**
 * Why the browser must not request `raw`, or null when it may. `initial` is the caller's target, which must be
 * http(s); later requests may also be data:, blob: or about: URLs, which never leave the browser.
 */
export function refusalOf(raw: string, { initial = false } = {}): string | null {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return 'it is not an absolute URL';
  }
  if (!initial && LOCAL_SCHEMES.has(url.protocol)) return null;
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return `scheme ${url.protocol} is not http: or https:`;
  if (url.username || url.password) return 'it carries a user name or password';
  const host = hostRefusal(url.hostname);
  if (host) return host;
  if (!WEB_PORTS.has(url.port)) return `port ${url.port} is not a web port (80 or 443)`;
  return null;
}

/** Why `hostname` (as URL.hostname gives it: IPv4 normalised, IPv6 in brackets) is not on the public web. */
function hostRefusal(hostname: string): string | null {
  const host = hostname.replace(/\.$/, '').toLowerCase();
  const literal = host.startsWith('[') ? host.slice(1, -1) : host;
  if (ipaddr.isValid(literal)) {
    const range = ipaddr.process(literal).range();
    if (range === 'unicast') return null;
    return `host ${hostname} is ${RANGE_WORDS[range] ?? `not a public address (${range})`}`;
  }
  if (!host.includes('.')) {
    return host === 'localhost' ? 'host localhost is this machine' : `host ${hostname} is not a public name`;
  }
  const suffix = PRIVATE_SUFFIXES.find((s) => host === s || host.endsWith(`.${s}`));
  if (suffix === 'localhost') return `host ${hostname} is under localhost (this machine)`;
  if (suffix) return `host ${hostname} is under .${suffix}, which is not on the public web`;
  return null;
}
