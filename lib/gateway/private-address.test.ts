import type { LookupAddress } from "node:dns";
import { describe, expect, it } from "vitest";
import { assertPublicLiteral, nonPublicRange, PrivateUpstreamError, refusalForHost, vettedLookup } from "./private-address";

describe("nonPublicRange", () => {
  it.each([
    ["127.0.0.1", "loopback"],
    ["127.255.0.9", "loopback"],
    ["10.1.2.3", "private"],
    ["172.16.0.1", "private"],
    ["172.31.255.255", "private"],
    ["192.168.1.1", "private"],
    ["169.254.169.254", "linkLocal"],
    ["100.64.0.1", "carrierGradeNat"],
    ["100.127.255.255", "carrierGradeNat"],
    ["0.0.0.0", "unspecified"],
    ["0.1.2.3", "unspecified"],
    ["192.0.0.8", "reserved"],
    ["192.0.2.1", "reserved"],
    ["198.18.0.1", "reserved"],
    ["198.19.255.255", "reserved"],
    ["198.51.100.7", "reserved"],
    ["203.0.113.7", "reserved"],
    ["240.0.0.1", "reserved"],
    ["224.0.0.1", "multicast"],
    ["239.255.255.250", "multicast"],
    ["255.255.255.255", "broadcast"],
  ])("refuses IPv4 %s as %s", (address, range) => expect(nonPublicRange(address)).toBe(range));

  // The socket layer (inet_aton) reads these as 127.0.0.1; a URL's host is normalised before it gets here.
  it.each(["2130706433", "0177.0.0.1", "0x7f.1", "0x7f000001", "127.1", "017700000001"])(
    "refuses the loopback spelling %s",
    (spelling) => expect(nonPublicRange(spelling)).toBe("loopback"),
  );

  it.each([
    ["::1", "loopback"],
    ["::", "unspecified"],
    ["fc00::1", "uniqueLocal"],
    ["fd12:3456::1", "uniqueLocal"],
    ["fe80::1", "linkLocal"],
    ["fe80::1%eth0", "linkLocal"],
    ["fec0::1", "deprecatedSiteLocal"],
    ["feff::1", "deprecatedSiteLocal"],
    ["ff02::1", "multicast"],
    ["100::1", "discard"],
    ["2001:db8::1", "reserved"],
    ["2001:0:4136:e378:8000:63bf:3fff:fdd2", "teredo"],
    ["2001:2::1", "benchmarking"],
    ["3fff::1", "reserved"],
    ["::ffff:0:7f00:1", "rfc6145"],
    ["::ffff:0:808:808", "rfc6145"],
    ["64:ff9b:1::a00:1", "local-use NAT64 prefix 64:ff9b:1::/48"],
    ["64:ff9b:1:ffff::808:808", "local-use NAT64 prefix 64:ff9b:1::/48"],
    ["::7f00:1", "IPv4-compatible ::a.b.c.d, deprecated"],
    ["::127.0.0.1", "IPv4-compatible ::a.b.c.d, deprecated"],
    ["::8.8.8.8", "IPv4-compatible ::a.b.c.d, deprecated"],
    ["4000::1", "reserved: outside the global unicast 2000::/3"],
    ["1::1", "reserved: outside the global unicast 2000::/3"],
  ])("refuses IPv6 %s as %s", (address, range) => expect(nonPublicRange(address)).toBe(range));

  it.each([
    ["::ffff:127.0.0.1", "IPv4-mapped form of a loopback IPv4 address"],
    ["::ffff:7f00:1", "IPv4-mapped form of a loopback IPv4 address"],
    ["::ffff:a9fe:a9fe", "IPv4-mapped form of a linkLocal IPv4 address"],
    ["::ffff:255.255.255.255", "IPv4-mapped form of a broadcast IPv4 address"],
    ["64:ff9b::10.0.0.1", "NAT64 form of a private IPv4 address"],
    ["64:ff9b::7f00:1", "NAT64 form of a loopback IPv4 address"],
    ["64:ff9b::a9fe:a9fe", "NAT64 form of a linkLocal IPv4 address"],
    ["64:ff9b::c612:1", "NAT64 form of a reserved IPv4 address"],
    ["2002:7f00:1::1", "6to4 form of a loopback IPv4 address"],
    ["2002:a00:1::", "6to4 form of a private IPv4 address"],
    ["2002:c0a8:101:5::1", "6to4 form of a private IPv4 address"],
    ["2002:e000:1::1", "6to4 form of a multicast IPv4 address"],
  ])("refuses %s, which embeds a non-public IPv4, as %s", (address, range) => expect(nonPublicRange(address)).toBe(range));

  it.each([
    "8.8.8.8",
    "1.1.1.1",
    "172.32.0.1",
    "100.128.0.1",
    "192.169.0.1",
    "198.20.0.1",
    "223.255.255.254",
    "2606:4700::1111",
    "2a00:1450:4001:82a::200e",
    // Embedding a public IPv4 reaches that public host: DNS64 hands out such NAT64 addresses for every
    // IPv4-only provider on IPv6-only networks.
    "::ffff:8.8.8.8",
    "64:ff9b::808:808",
    "2002:808:808::1",
  ])("allows the public address %s", (address) => expect(nonPublicRange(address)).toBeUndefined());

  it.each(["not-an-ip", "api.openai.com", "localhost", ""])("leaves the name %j to DNS", (name) =>
    expect(nonPublicRange(name)).toBeUndefined(),
  );
});

describe("assertPublicLiteral", () => {
  it("refuses non-public IP literals, bracketed IPv6 included, naming host and range", () => {
    expect(() => assertPublicLiteral("127.0.0.1")).toThrow(new PrivateUpstreamError("127.0.0.1", "loopback", false));
    expect(() => assertPublicLiteral("127.0.0.1")).toThrow("host 127.0.0.1 is a non-public address (loopback)");
    expect(() => assertPublicLiteral("[::1]")).toThrow(PrivateUpstreamError);
    expect(() => assertPublicLiteral("[::ffff:7f00:1]")).toThrow(PrivateUpstreamError);
    expect(() => assertPublicLiteral("[64:ff9b::a00:1]")).toThrow("host [64:ff9b::a00:1] is a non-public address (NAT64 form of a private IPv4 address)");
    expect(() => assertPublicLiteral("8.8.8.8")).not.toThrow();
    expect(() => assertPublicLiteral("[2606:4700::1111]")).not.toThrow();
    expect(() => assertPublicLiteral("localhost")).not.toThrow();
  });

  // What reaches the check is a WHATWG URL's hostname: every odd IPv4 spelling arrives as 127.0.0.1,
  // and IPv6 forms arrive compressed with their IPv4 part in hex.
  it.each([
    ["http://2130706433/v1", "127.0.0.1"],
    ["http://0177.0.0.1/v1", "127.0.0.1"],
    ["http://0x7f.1/v1", "127.0.0.1"],
    ["http://127.1/v1", "127.0.0.1"],
    ["http://127.0.0.1./v1", "127.0.0.1"],
    ["http://[::ffff:127.0.0.1]/v1", "[::ffff:7f00:1]"],
    ["http://[::127.0.0.1]/v1", "[::7f00:1]"],
    ["http://[64:ff9b::10.0.0.1]/v1", "[64:ff9b::a00:1]"],
    ["http://[2002:7f00:1::1]/v1", "[2002:7f00:1::1]"],
    ["http://[::ffff:0:127.0.0.1]/v1", "[::ffff:0:7f00:1]"],
    ["http://[fec0::1]/v1", "[fec0::1]"],
  ])("refuses the host of %s, which arrives as %s", (url, hostname) => {
    expect(new URL(url).hostname).toBe(hostname);
    expect(() => assertPublicLiteral(hostname)).toThrow(PrivateUpstreamError);
  });
});

describe("refusalForHost", () => {
  it("classifies IP literals without DNS", async () => {
    expect(await refusalForHost("10.0.0.5")).toEqual(new PrivateUpstreamError("10.0.0.5", "private", false));
    expect((await refusalForHost("[fd00::1]"))?.message).toBe("host [fd00::1] is a non-public address (uniqueLocal)");
    expect(await refusalForHost("8.8.8.8")).toBeUndefined();
  });

  it("refuses a name that resolves to loopback, without naming the address", async () => {
    const refusal = await refusalForHost("localhost");
    expect(refusal).toBeInstanceOf(PrivateUpstreamError);
    expect(refusal?.message).toBe("host localhost resolves to a non-public address (loopback)");
  });

  it("accepts a name DNS cannot answer for, leaving it to the connect-time guard", async () => {
    // .invalid never resolves (RFC 2606).
    expect(await refusalForHost("no-such-host.invalid")).toBeUndefined();
  });
});

describe("vettedLookup", () => {
  function lookup(host: string, options: { all?: boolean; family?: number } = {}) {
    return new Promise<{ error: NodeJS.ErrnoException | null; address: string | LookupAddress[] }>((resolve) =>
      vettedLookup()(host, options, (error, address) => resolve({ error, address })),
    );
  }

  it("refuses a name that resolves to loopback", async () => {
    const { error } = await lookup("localhost");
    expect(error).toBeInstanceOf(PrivateUpstreamError);
    expect(error?.message).toBe("host localhost resolves to a non-public address (loopback)");
    expect((await lookup("localhost", { all: true })).error).toBeInstanceOf(PrivateUpstreamError);
  });

  it("refuses the odd loopback spellings the resolver reads as IPv4", async () => {
    for (const spelling of ["2130706433", "0177.0.0.1", "0x7f.1", "127.1"]) {
      expect((await lookup(spelling)).error, spelling).toBeInstanceOf(PrivateUpstreamError);
    }
  });

  it("answers in the form the socket asked for", async () => {
    // An IPv4 literal resolves to itself without DNS, which keeps the test offline.
    expect(await lookup("8.8.8.8")).toEqual({ error: null, address: "8.8.8.8" });
    expect(await lookup("8.8.8.8", { all: true })).toEqual({ error: null, address: [{ address: "8.8.8.8", family: 4 }] });
    expect((await lookup("8.8.8.8", { family: 6 })).error?.code).toBe("ENOTFOUND");
  });
});
