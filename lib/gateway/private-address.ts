import { lookup as dnsLookup, type LookupAddress } from "node:dns";
import { BlockList, isIP, type LookupFunction } from "node:net";

/** Addresses an upstream must not resolve to unless the operator allows it (SSRF into the gateway's own network). */
const privateRanges = new BlockList();
privateRanges.addSubnet("0.0.0.0", 8, "ipv4");
privateRanges.addSubnet("10.0.0.0", 8, "ipv4");
privateRanges.addSubnet("100.64.0.0", 10, "ipv4");
privateRanges.addSubnet("127.0.0.0", 8, "ipv4");
privateRanges.addSubnet("169.254.0.0", 16, "ipv4");
privateRanges.addSubnet("172.16.0.0", 12, "ipv4");
privateRanges.addSubnet("192.168.0.0", 16, "ipv4");
privateRanges.addAddress("::", "ipv6");
privateRanges.addAddress("::1", "ipv6");
privateRanges.addSubnet("fc00::", 7, "ipv6");
privateRanges.addSubnet("fe80::", 10, "ipv6");

/** Loopback, private, link-local, unspecified or CGNAT; IPv4-mapped IPv6 (`::ffff:10.0.0.1`) counts as its IPv4. */
export function isPrivateAddress(address: string): boolean {
  const family = isIP(address);
  if (family === 4) return privateRanges.check(address, "ipv4");
  if (family === 6) return privateRanges.check(address, "ipv6");
  return false;
}

/** Raised inside the socket's DNS lookup, so it reaches the gateway as the upstream call's error. */
export class PrivateUpstreamError extends Error {
  constructor(readonly host: string) {
    super(`upstream host ${host} resolves to a private address`);
    this.name = "PrivateUpstreamError";
  }
}

/** For hosts written as IP literals, which sockets connect to without any lookup. */
export function assertPublicLiteral(hostname: string): void {
  const bare = hostname.startsWith("[") ? hostname.slice(1, -1) : hostname;
  if (isPrivateAddress(bare)) throw new PrivateUpstreamError(hostname);
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
        if (addresses.some((a) => isPrivateAddress(a.address))) {
          return callback(new PrivateUpstreamError(hostname), "", 0);
        }
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
