import { GatehouseError } from "@gatehousejs/core";

/**
 * Which forwarded header names the client, when a proxy the host runs sets it. `true` is `X-Forwarded-For`
 * with one proxy in front; `hops` counts the proxies of the host (the address is the `hops`-th entry from the
 * right of `X-Forwarded-For`, since a client writes whatever it likes to its left).
 */
export type TrustProxy =
  | boolean
  | "x-forwarded-for"
  | "x-real-ip"
  | "cf-connecting-ip"
  | "fly-client-ip"
  | "true-client-ip"
  | { readonly header: string; readonly hops?: number };

/** The resolved rule: the header to believe and, for a list, how many entries from its right. */
export interface ProxyRule {
  readonly header: string;
  readonly hops: number;
}

/** Resolves `trustProxy`; a rule that cannot be followed is a configuration error. */
export function resolveTrustProxy(trust: TrustProxy | undefined): ProxyRule | null {
  if (trust === undefined || trust === false) return null;
  if (trust === true) return { header: "x-forwarded-for", hops: 1 };
  const rule = typeof trust === "string" ? { header: trust, hops: 1 } : { hops: 1, ...trust };
  if (!/^[a-z0-9-]+$/i.test(rule.header) || !Number.isInteger(rule.hops) || rule.hops < 1) {
    throw new GatehouseError("CONFIGURATION", "trustProxy: a header name and hops of 1 or more.");
  }
  return { header: rule.header.toLowerCase(), hops: rule.hops };
}

/** The client's address by the trusted header, or `null` when the proxy did not set it. */
export function forwardedAddress(headers: Headers, rule: ProxyRule): string | null {
  const value = headers.get(rule.header);
  if (value === null) return null;
  const entries = value
    .split(",")
    .map((entry) => entry.trim())
    .filter((entry) => entry !== "");
  // The entries left of the proxies' own are the client's claim: the hops-th from the right is the first
  // one a proxy of the host wrote. Fewer entries than hops: the leftmost is the best there is.
  const entry = entries[Math.max(0, entries.length - rule.hops)];
  return entry === undefined ? null : normalizeAddress(entry);
}

/**
 * One key per client: an IPv4-mapped IPv6 address as its IPv4 form, a bracketed or ported address without
 * port, and an IPv6 address by its /64 (one subscriber's whole network, which it can rotate through freely).
 */
export function normalizeAddress(address: string): string {
  let text = address.trim().toLowerCase();
  const bracketed = /^\[([^\]]+)\](?::\d+)?$/.exec(text);
  if (bracketed?.[1]) text = bracketed[1];
  else if (/^\d+\.\d+\.\d+\.\d+:\d+$/.test(text)) text = text.slice(0, text.lastIndexOf(":"));
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/.exec(text);
  if (mapped?.[1]) return mapped[1];
  if (!text.includes(":")) return text;
  return `${ipv6Groups(text.split("%")[0] ?? text)
    .slice(0, 4)
    .join(":")}::/64`;
}

/** The eight groups of an IPv6 address, `::` expanded; a text that is no address is kept as one group. */
function ipv6Groups(text: string): string[] {
  const [head = "", tail] = text.split("::");
  const left = head === "" ? [] : head.split(":");
  const right = tail === undefined || tail === "" ? [] : tail.split(":");
  const missing = tail === undefined ? 0 : 8 - left.length - right.length;
  const groups = [...left, ...Array.from({ length: Math.max(0, missing) }, () => "0"), ...right];
  return groups.map((group) => group.replace(/^0+(?=.)/, ""));
}
