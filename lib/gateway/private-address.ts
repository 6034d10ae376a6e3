import { lookup as dnsLookup, type LookupAddress } from "node:dns";
import type { LookupFunction } from "node:net";
import ipaddr from "ipaddr.js";

/**
 * Why an upstream must not connect to `address`: the name of its special-purpose range (ipaddr.js's
 * names, from the IANA registries), or undefined for a plain global unicast address. Odd spellings
 * (`0177.0.0.1`, `2130706433`, `0x7f.1`) are read the way the socket layer reads them; a string that
 * is not an IP address at all is undefined, as it is left to the DNS lookup.
 */
export function nonPublicRange(address: string): string | undefined {
  // ipaddr.js reads `::a.b.c.d` as IPv4-mapped, which it is not (it is IPv4-compatible, ::/96);
  // `0::a.b.c.d` is the same address and parsed as such.
  const text = address.startsWith("::") ? `0${address}` : address;
  if (!ipaddr.isValid(text)) return undefined;
  const parsed = ipaddr.parse(text);
  return parsed.kind() === "ipv4" ? ipv4Range(parsed as ipaddr.IPv4) : ipv6Range(parsed as ipaddr.IPv6);
}

function ipv4Range(address: ipaddr.IPv4): string | undefined {
  // Everything ipaddr.js does not call unicast: private, loopback, link-local, CGNAT, multicast,
  // broadcast, 0/8, and the reserved, documentation and benchmarking (198.18.0.0/15) blocks.
  const range = address.range();
  return range === "unicast" ? undefined : range;
}

const globalUnicast = ipaddr.parseCIDR("2000::/3");
const ipv4Compatible = ipaddr.parseCIDR("::/96");
const nat64WellKnown = ipaddr.parseCIDR("64:ff9b::/96");

function ipv6Range(address: ipaddr.IPv6): string | undefined {
  const range: string = address.range();
  const [, a, b, , , , c, d] = address.parts as [number, number, number, number, number, number, number, number];
  switch (range) {
    // These carry an IPv4 address in a fixed place and reach that host; they are as public as it is.
    case "ipv4Mapped":
      return embeddedRange("IPv4-mapped", c, d);
    case "6to4":
      return embeddedRange("6to4", a, b);
    case "rfc6052":
      // RFC 6052 forbids the well-known NAT64 prefix for non-global IPv4, yet a NAT64 gateway would
      // translate it all the same. The local-use prefix 64:ff9b:1::/48 (RFC 8215) is refused whole:
      // the place of its IPv4 depends on the prefix length its network chose, so it cannot be read.
      return address.match(nat64WellKnown) ? embeddedRange("NAT64", c, d) : "local-use NAT64 prefix 64:ff9b:1::/48";
    case "unicast":
      // ipaddr.js calls anything outside its special ranges unicast; the global unicast space is 2000::/3.
      if (address.match(globalUnicast)) return undefined;
      return address.match(ipv4Compatible) ? "IPv4-compatible ::a.b.c.d, deprecated" : "reserved: outside the global unicast 2000::/3";
    default:
      // Loopback, unspecified, link-local, unique local, site-local (fec0::/10), multicast, teredo,
      // IPv4-translated (::ffff:0:a.b.c.d, rfc6145), discard, documentation, benchmarking, ORCHID…
      return range;
  }
}

function embeddedRange(form: string, high: number, low: number): string | undefined {
  const embedded = new ipaddr.IPv4([high >> 8, high & 0xff, low >> 8, low & 0xff]);
  const range = ipv4Range(embedded);
  return range === undefined ? undefined : `${form} form of a ${range} IPv4 address`;
}

/** How the operator lets upstreams reach private networks (self-hosted models), for refusals to say. */
export const ALLOW_PRIVATE_UPSTREAMS_HINT = "the operator can allow private upstreams with SWITCHYARD_ALLOW_PRIVATE_UPSTREAMS=true";

/** Raised inside the socket's DNS lookup, so it reaches the gateway as the upstream call's error. */
export class PrivateUpstreamError extends Error {
  constructor(
    readonly host: string,
    /** What `nonPublicRange` said of the address. */
    readonly range: string,
    /** True when DNS gave the address; false when the host is the address itself. */
    readonly resolved: boolean,
  ) {
    // The address a name resolved to stays out: error messages reach tenants, and the gateway's
    // internal DNS is not theirs to map.
    super(`host ${host} ${resolved ? "resolves to" : "is"} a non-public address (${range})`);
    this.name = "PrivateUpstreamError";
  }
}

function literalOf(hostname: string): string {
  return hostname.startsWith("[") ? hostname.slice(1, -1) : hostname;
}

/** For hosts written as IP literals, which sockets connect to without any lookup. */
export function assertPublicLiteral(hostname: string): void {
  const range = nonPublicRange(literalOf(hostname));
  if (range) throw new PrivateUpstreamError(hostname, range, false);
}

function firstNonPublic(addresses: readonly LookupAddress[]): string | undefined {
  for (const { address } of addresses) {
    const range = nonPublicRange(address);
    if (range) return range;
  }
  return undefined;
}

const SAVE_LOOKUP_TIMEOUT_MS = 5_000;

/**
 * The refusal for a base URL's host when it is saved: the host is a non-public IP literal, or DNS
 * answers with a non-public address among others. A host DNS cannot answer for (yet) is accepted:
 * the connect-time lookup below guards every request whatever DNS says then, and refusing would
 * make saving depend on the resolver the gateway happens to have at that moment.
 */
export async function refusalForHost(hostname: string): Promise<PrivateUpstreamError | undefined> {
  const literal = literalOf(hostname);
  if (ipaddr.isValid(literal)) {
    const range = nonPublicRange(literal);
    return range ? new PrivateUpstreamError(hostname, range, false) : undefined;
  }
  const addresses = await new Promise<LookupAddress[]>((resolve) => {
    const timer = setTimeout(() => resolve([]), SAVE_LOOKUP_TIMEOUT_MS);
    dnsLookup(hostname, { all: true }, (error, found) => {
      clearTimeout(timer);
      resolve(error ? [] : found);
    });
  });
  const range = firstNonPublic(addresses);
  return range ? new PrivateUpstreamError(hostname, range, true) : undefined;
}

const LOOKUP_CACHE_MS = 10_000;
const LOOKUP_CACHE_MAX = 1000;

/**
 * A `lookup` for sockets that refuses hosts with any private address among their DNS answers.
 * The socket connects to the very addresses vetted here, so a rebinding DNS server cannot swap
 * in a private address between the check and the connection. Answers are cached briefly.
 */
export function vettedLookup(): LookupFunction {
  const cache = new Map<string, { addresses: LookupAddress[]; expires: number }>();

  function resolveAll(hostname: string): Promise<LookupAddress[]> {
    const hit = cache.get(hostname);
    if (hit && hit.expires > Date.now()) return Promise.resolve(hit.addresses);
    return new Promise((resolve, reject) => {
      dnsLookup(hostname, { all: true }, (error, addresses) => {
        if (error) return reject(error);
        if (cache.size >= LOOKUP_CACHE_MAX) cache.clear();
        cache.set(hostname, { addresses, expires: Date.now() + LOOKUP_CACHE_MS });
        resolve(addresses);
      });
    });
  }

  return (hostname, options, callback) => {
    resolveAll(hostname).then(
      (addresses) => {
        const range = firstNonPublic(addresses);
        if (range) return callback(new PrivateUpstreamError(hostname, range, true), "", 0);
        const family = options.family === "IPv4" ? 4 : options.family === "IPv6" ? 6 : options.family;
        const usable = family === 4 || family === 6 ? addresses.filter((a) => a.family === family) : addresses;
        const first = usable[0];
        if (!first) {
          const error: NodeJS.ErrnoException = new Error(`no IPv${family} address for ${hostname}`);
          error.code = "ENOTFOUND";
          return callback(error, "", 0);
        }
        if (options.all) callback(null, usable);
        else callback(null, first.address, first.family);
      },
      (error: NodeJS.ErrnoException) => callback(error, "", 0),
    );
  };
}
