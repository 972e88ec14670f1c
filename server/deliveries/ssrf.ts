import dns, { type LookupAddress, type LookupOptions } from "node:dns";
import net from "node:net";
import ipaddr from "ipaddr.js";
import { Agent, buildConnector } from "undici";

type IpAddress = ipaddr.IPv4 | ipaddr.IPv6;
type Cidr = [IpAddress, number];

export const SSRF_BLOCKED = "SSRF_BLOCKED";
export const ALLOWLIST_ENV_NAME = "WEBHOOK_ALLOWED_HOSTS";
const DEFAULT_CONNECT_TIMEOUT_MS = 10_000;

export type AllowlistEntry =
  | { kind: "host"; host: string }
  | { kind: "suffix"; suffix: string }
  | { kind: "cidr"; cidr: Cidr; raw: string };

export type Allowlist = readonly AllowlistEntry[];

interface BlockedRange {
  cidr: Cidr;
  label: string;
}

function ranges(label: string, ...cidrs: string[]): BlockedRange[] {
  return cidrs.map((cidr) => ({ cidr: ipaddr.parseCIDR(cidr), label }));
}

// Never reachable, whatever WEBHOOK_ALLOWED_HOSTS says: no receiver lives there, credentials do.
const METADATA = ranges(
  "a cloud metadata address",
  "169.254.169.254/32",
  "100.100.100.200/32",
  "fd00:ec2::254/128",
);
const LINK_LOCAL = ranges("a link-local address", "169.254.0.0/16", "fe80::/10");
const NEVER_RANGES: readonly BlockedRange[] = [...METADATA, ...LINK_LOCAL];

// Most specific first: the first match names the reason.
const BLOCKED_RANGES: readonly BlockedRange[] = [
  ...METADATA,
  ...ranges("an unspecified address", "0.0.0.0/8", "::/128"),
  ...ranges("a loopback address", "127.0.0.0/8", "::1/128"),
  ...ranges("a private address", "10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16"),
  ...LINK_LOCAL,
  ...ranges("a carrier-grade NAT address", "100.64.0.0/10"),
  ...ranges("a unique local address", "fc00::/7"),
  ...ranges("a site-local address", "fec0::/10"),
  ...ranges("a broadcast address", "255.255.255.255/32"),
  ...ranges("a multicast address", "224.0.0.0/4", "ff00::/8"),
  ...ranges(
    "a reserved address",
    "192.0.0.0/24",
    "192.0.2.0/24",
    "192.88.99.0/24",
    "198.18.0.0/15",
    "198.51.100.0/24",
    "203.0.113.0/24",
    "240.0.0.0/4",
    "::/96",
    "100::/64",
    "2001:db8::/32",
  ),
];

type Embedding = { cidr: Cidr; label: string; ipv4: (parts: number[]) => ipaddr.IPv4[] | null };

const v4 = (high: number, low: number) => new ipaddr.IPv4([high >> 8, high & 0xff, low >> 8, low & 0xff]);

/**
 * IPv6 ranges that carry an IPv4 address a translator or tunnel delivers to: refused unless every
 * embedded IPv4 address is public. Local-use NAT64 (RFC 8215) embeds it where the operator's prefix
 * length says, which we cannot know, so it is refused outright (`null`).
 */
const EMBEDDINGS: readonly Embedding[] = [
  { cidr: ipaddr.parseCIDR("64:ff9b::/96"), label: "a NAT64 address", ipv4: (p) => [v4(p[6], p[7])] },
  { cidr: ipaddr.parseCIDR("64:ff9b:1::/48"), label: "a local-use NAT64 address", ipv4: () => null },
  {
    cidr: ipaddr.parseCIDR("::ffff:0:0:0/96"),
    label: "an IPv4-translated address",
    ipv4: (p) => [v4(p[6], p[7])],
  },
  { cidr: ipaddr.parseCIDR("2002::/16"), label: "a 6to4 address", ipv4: (p) => [v4(p[1], p[2])] },
  {
    // Teredo: the server's address, and the client's stored inverted in the last 32 bits.
    cidr: ipaddr.parseCIDR("2001::/32"),
    label: "a Teredo address",
    ipv4: (p) => [v4(p[2], p[3]), v4(~p[6] & 0xffff, ~p[7] & 0xffff)],
  },
];

/** Why `address` is in one of `list`'s ranges (directly or as an embedded IPv4 address), or null. */
function rangeReason(address: IpAddress, shown: string, list: readonly BlockedRange[]): string | null {
  const direct = list.find((range) => inCidr(address, range.cidr));
  if (direct) return `${shown} is ${direct.label}`;
  if (address.kind() !== "ipv6") return null;
  const embedding = EMBEDDINGS.find((e) => inCidr(address, e.cidr));
  if (!embedding) return null;
  const embedded = embedding.ipv4((address as ipaddr.IPv6).parts);
  if (!embedded) return `${shown} is ${embedding.label}`;
  for (const inner of embedded) {
    const hit = list.find((range) => inCidr(inner, range.cidr));
    if (hit) return `${shown} is ${embedding.label} for ${inner.toString()}, ${hit.label}`;
  }
  return null;
}

class SsrfBlockedError extends Error {
  readonly code = SSRF_BLOCKED;

  constructor(
    readonly hostname: string,
    readonly address: string,
    readonly reason: string,
  ) {
    super(
      hostname === address
        ? `Refused to connect to ${address}: ${reason}`
        : `Refused to connect to ${hostname} (${address}): ${reason}`,
    );
    this.name = "SsrfBlockedError";
  }
}

function stripBrackets(host: string): string {
  return host.startsWith("[") && host.endsWith("]") ? host.slice(1, -1) : host;
}

function normalizeHostname(host: string): string {
  return stripBrackets(host.trim().toLowerCase()).replace(/\.$/, "");
}

function parseAddress(ip: string): IpAddress | null {
  const value = stripBrackets(ip.trim());
  if (!ipaddr.isValid(value)) return null;
  const parsed = ipaddr.parse(value);
  if (parsed.kind() === "ipv6" && (parsed as ipaddr.IPv6).isIPv4MappedAddress()) {
    return (parsed as ipaddr.IPv6).toIPv4Address();
  }
  return parsed;
}

function inCidr(address: IpAddress, [network, bits]: Cidr): boolean {
  return address.kind() === network.kind() && address.match(network, bits);
}

const HOSTNAME_PATTERN =
  /^(?=.{1,253}$)([a-z0-9_]([a-z0-9_-]{0,61}[a-z0-9_])?)(\.[a-z0-9_]([a-z0-9_-]{0,61}[a-z0-9_])?)*$/;

/**
 * Parses WEBHOOK_ALLOWED_HOSTS: comma-separated hostnames (`n8n.lan`), suffixes (`*.lan`, matching
 * subdomains only), IPs and CIDRs. Throws on an entry it cannot read, so a typo fails at start
 * instead of silently blocking (or admitting) something else.
 */
export function parseAllowlist(raw: string | undefined): AllowlistEntry[] {
  if (!raw) return [];
  const entries: AllowlistEntry[] = [];
  for (const part of raw.split(",")) {
    const value = part.trim().toLowerCase();
    if (!value) continue;
    const bare = stripBrackets(value);
    if (ipaddr.isValidCIDR(bare)) {
      const [network, bits] = ipaddr.parseCIDR(bare);
      const mapped =
        network.kind() === "ipv6" && (network as ipaddr.IPv6).isIPv4MappedAddress() && bits >= 96
          ? ([(network as ipaddr.IPv6).toIPv4Address(), bits - 96] as Cidr)
          : ([network, bits] as Cidr);
      entries.push({ kind: "cidr", cidr: mapped, raw: value });
      continue;
    }
    const address = parseAddress(bare);
    if (address) {
      entries.push({ kind: "cidr", cidr: [address, address.kind() === "ipv4" ? 32 : 128], raw: value });
      continue;
    }
    if (value.startsWith("*.") && HOSTNAME_PATTERN.test(value.slice(2).replace(/\.$/, ""))) {
      entries.push({ kind: "suffix", suffix: value.slice(2).replace(/\.$/, "") });
      continue;
    }
    if (HOSTNAME_PATTERN.test(value.replace(/\.$/, ""))) {
      entries.push({ kind: "host", host: value.replace(/\.$/, "") });
      continue;
    }
    throw new Error(
      `${ALLOWLIST_ENV_NAME}: "${part.trim()}" is not a hostname, *.suffix, IP address or CIDR range`,
    );
  }
  return entries;
}

function isHostnameAllowed(hostname: string, allowlist: Allowlist): boolean {
  const host = normalizeHostname(hostname);
  return allowlist.some(
    (entry) =>
      (entry.kind === "host" && entry.host === host) ||
      (entry.kind === "suffix" && host.endsWith(`.${entry.suffix}`)),
  );
}

function isAddressAllowed(ip: string, allowlist: Allowlist): boolean {
  const address = parseAddress(ip);
  if (!address) return false;
  return allowlist.some((entry) => entry.kind === "cidr" && inCidr(address, entry.cidr));
}

/** Returns why an address must not be contacted, or null when it is a public unicast address. */
export function isAddressBlocked(ip: string): string | null {
  const shown = stripBrackets(ip.trim());
  const address = parseAddress(shown);
  if (!address) return `${shown} is not an IP address`;
  return rangeReason(address, shown, BLOCKED_RANGES);
}

/** Why an address may never be contacted, allowlisted or not (metadata, link-local), or null. */
function neverReason(ip: string): string | null {
  const shown = stripBrackets(ip.trim());
  const address = parseAddress(shown);
  return address ? rangeReason(address, shown, NEVER_RANGES) : null;
}

/**
 * The reason a connection from `hostname` to `address` is refused, or null when it may proceed. An
 * allowlisted host or range may reach loopback and private addresses, never metadata or link-local ones.
 */
export function checkAddress(hostname: string, address: string, allowlist: Allowlist): string | null {
  const never = neverReason(address);
  if (never) return never;
  if (isHostnameAllowed(hostname, allowlist) || isAddressAllowed(address, allowlist)) return null;
  return isAddressBlocked(address);
}

type LookupCallback = (
  err: NodeJS.ErrnoException | null,
  address: string | LookupAddress[],
  family?: number,
) => void;

function createGuardedLookup(allowlist: Allowlist) {
  return function guardedLookup(hostname: string, options: LookupOptions, callback: LookupCallback) {
    dns.lookup(hostname, { ...options, all: true }, (err, addresses) => {
      if (err) return callback(err, []);
      for (const { address } of addresses) {
        const reason = checkAddress(hostname, address, allowlist);
        if (reason) return callback(new SsrfBlockedError(hostname, address, reason), []);
      }
      if (options.all) return callback(null, addresses);
      const [first] = addresses;
      if (!first)
        return callback(Object.assign(new Error(`No address for ${hostname}`), { code: "ENOTFOUND" }), []);
      callback(null, first.address, first.family);
    });
  };
}

export interface GuardedDispatcherOptions {
  allowlist?: Allowlist;
  connectTimeoutMs?: number;
}

/**
 * An undici Agent that refuses to open a socket to a blocked address. Names are checked inside the
 * socket's own DNS lookup, so the address checked is the address connected to (no rebinding window);
 * literal IPs never reach a lookup and are checked before connecting.
 */
export function createGuardedDispatcher({
  allowlist = [],
  connectTimeoutMs = DEFAULT_CONNECT_TIMEOUT_MS,
}: GuardedDispatcherOptions = {}): Agent {
  const connect = buildConnector({
    timeout: connectTimeoutMs,
    lookup: createGuardedLookup(allowlist),
  } as buildConnector.BuildOptions);

  return new Agent({
    connect(options, callback) {
      const hostname = stripBrackets(options.hostname);
      if (net.isIP(hostname)) {
        const reason = checkAddress(hostname, hostname, allowlist);
        if (reason) {
          callback(new SsrfBlockedError(hostname, hostname, reason), null);
          return;
        }
      }
      connect(options, callback);
    },
  });
}

export type UrlValidation = { ok: true; url: URL } | { ok: false; message: string };

/**
 * Early feedback for a form. It cannot see where a DNS name points at send time; the dispatcher
 * is the real guard.
 */
export function validateWebhookUrl(
  input: string,
  { allowlist = [] }: { allowlist?: Allowlist } = {},
): UrlValidation {
  let url: URL;
  try {
    url = new URL(input.trim());
  } catch {
    return { ok: false, message: "Enter a full URL, e.g. https://n8n.example.com/webhook/…" };
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") {
    return { ok: false, message: "The URL must start with http:// or https://" };
  }
  if (url.username || url.password) {
    return {
      ok: false,
      message: "Do not put credentials in the URL; use the integration's auth header instead",
    };
  }
  const hostname = stripBrackets(url.hostname);
  if (!hostname) return { ok: false, message: "The URL has no host" };

  const notAllowed = (reason: string) => ({
    ok: false as const,
    message: `${reason}; webhooks to it are refused unless ${ALLOWLIST_ENV_NAME} allows it`,
  });
  if (net.isIP(hostname)) {
    const reason = checkAddress(hostname, hostname, allowlist);
    if (reason) return notAllowed(reason);
  } else {
    const name = normalizeHostname(hostname);
    if ((name === "localhost" || name.endsWith(".localhost")) && !isHostnameAllowed(name, allowlist)) {
      return notAllowed(`${name} is a loopback address`);
    }
  }
  return { ok: true, url };
}
