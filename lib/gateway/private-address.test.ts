import type { LookupAddress } from "node:dns";
import { describe, expect, it } from "vitest";
import { assertPublicLiteral, isPrivateAddress, PrivateUpstreamError, vettedLookup } from "./private-address";

describe("isPrivateAddress", () => {
  it.each([
    "127.0.0.1",
    "127.255.0.9",
    "10.1.2.3",
    "172.16.0.1",
    "172.31.255.255",
    "192.168.1.1",
    "169.254.169.254",
    "100.64.0.1",
    "100.127.255.255",
    "0.0.0.0",
    "::1",
    "::",
    "fc00::1",
    "fd12:3456::1",
    "fe80::1",
    "::ffff:127.0.0.1",
    "::ffff:a9fe:a9fe",
  ])("refuses %s", (address) => expect(isPrivateAddress(address)).toBe(true));

  it.each(["8.8.8.8", "172.32.0.1", "100.128.0.1", "192.169.0.1", "1.1.1.1", "2606:4700::1111", "::ffff:8.8.8.8", "not-an-ip"])(
    "allows %s",
    (address) => expect(isPrivateAddress(address)).toBe(false),
  );
});

describe("assertPublicLiteral", () => {
  it("refuses private IP literals, bracketed IPv6 included, and leaves names to the lookup", () => {
    expect(() => assertPublicLiteral("127.0.0.1")).toThrow(PrivateUpstreamError);
    expect(() => assertPublicLiteral("[::1]")).toThrow(PrivateUpstreamError);
    expect(() => assertPublicLiteral("[::ffff:7f00:1]")).toThrow(PrivateUpstreamError);
    expect(() => assertPublicLiteral("8.8.8.8")).not.toThrow();
    expect(() => assertPublicLiteral("localhost")).not.toThrow();
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
    expect((await lookup("localhost", { all: true })).error).toBeInstanceOf(PrivateUpstreamError);
  });

  it("answers in the form the socket asked for", async () => {
    // An IPv4 literal resolves to itself without DNS, which keeps the test offline.
    expect(await lookup("8.8.8.8")).toEqual({ error: null, address: "8.8.8.8" });
    expect(await lookup("8.8.8.8", { all: true })).toEqual({ error: null, address: [{ address: "8.8.8.8", family: 4 }] });
    expect((await lookup("8.8.8.8", { family: 6 })).error?.code).toBe("ENOTFOUND");
  });
});
