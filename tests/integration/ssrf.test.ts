import { request as httpRequest } from "node:http";
import { expect, it } from "vitest";
import { expectGatewayError } from "../support/errors";
import { describeGateway } from "../support/harness";
import { bearer, chatBody, json, postJson } from "../support/http";
import { addCustomProvider, addKey } from "../support/seed";

/**
 * Sends `path` byte for byte, as a client or attacker can: fetch and the WHATWG URL parser would
 * resolve its dot segments before the request left, node:http's client does not.
 */
function rawRequest(
  origin: string,
  path: string,
  init: { method?: string; headers?: Record<string, string>; body?: string } = {},
): Promise<Response> {
  const { hostname, port } = new URL(origin);
  return new Promise((resolve, reject) => {
    const req = httpRequest({ host: hostname, port, path, method: init.method ?? "GET", headers: init.headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (chunk: Buffer) => chunks.push(chunk));
      res.on("error", reject);
      res.on("end", () => {
        const headers = new Headers();
        for (const [name, value] of Object.entries(res.headers)) {
          if (typeof value === "string") headers.set(name, value);
        }
        resolve(new Response(Buffer.concat(chunks), { status: res.statusCode, headers }));
      });
    });
    req.on("error", reject);
    req.end(init.body);
  });
}

const ALLOW_HINT = "SWITCHYARD_ALLOW_PRIVATE_UPSTREAMS=true";

describeGateway(
  "SSRF: base URLs on non-public addresses, refused when the gateway connects",
  (h) => {
    // Keys saved while the deployment allowed private upstreams, or before the save-time check: the
    // gateway must still refuse them. `{port}` is the fake's, so a connection would reach it.
    const literalHosts = [
      ["http://127.0.0.1:{port}/v1", "127.0.0.1", "loopback"],
      ["http://2130706433:{port}/v1", "127.0.0.1", "loopback"],
      ["http://0177.0.0.1:{port}/v1", "127.0.0.1", "loopback"],
      ["http://0x7f.1:{port}/v1", "127.0.0.1", "loopback"],
      ["http://127.1:{port}/v1", "127.0.0.1", "loopback"],
      ["http://0.0.0.0:{port}/v1", "0.0.0.0", "unspecified"],
      ["http://10.0.0.1:{port}/v1", "10.0.0.1", "private"],
      ["http://100.64.0.1:{port}/v1", "100.64.0.1", "carrierGradeNat"],
      ["http://169.254.169.254/latest", "169.254.169.254", "linkLocal"],
      ["http://198.18.0.1:{port}/v1", "198.18.0.1", "reserved"],
      ["http://224.0.0.1:{port}/v1", "224.0.0.1", "multicast"],
      ["http://255.255.255.255:{port}/v1", "255.255.255.255", "broadcast"],
      ["http://[::1]:{port}/v1", "[::1]", "loopback"],
      ["http://[fd00::1]:{port}/v1", "[fd00::1]", "uniqueLocal"],
      ["http://[fe80::1]:{port}/v1", "[fe80::1]", "linkLocal"],
      ["http://[fec0::1]:{port}/v1", "[fec0::1]", "deprecatedSiteLocal"],
      ["http://[::ffff:127.0.0.1]:{port}/v1", "[::ffff:7f00:1]", "IPv4-mapped form of a loopback IPv4 address"],
      ["http://[::ffff:0:127.0.0.1]:{port}/v1", "[::ffff:0:7f00:1]", "rfc6145"],
      ["http://[::127.0.0.1]:{port}/v1", "[::7f00:1]", "IPv4-compatible ::a.b.c.d, deprecated"],
      ["http://[64:ff9b::127.0.0.1]:{port}/v1", "[64:ff9b::7f00:1]", "NAT64 form of a loopback IPv4 address"],
      ["http://[64:ff9b::10.1.2.3]:{port}/v1", "[64:ff9b::a01:203]", "NAT64 form of a private IPv4 address"],
      ["http://[64:ff9b:1::a00:1]:{port}/v1", "[64:ff9b:1::a00:1]", "local-use NAT64 prefix 64:ff9b:1::/48"],
      ["http://[2002:7f00:1::1]:{port}/v1", "[2002:7f00:1::1]", "6to4 form of a loopback IPv4 address"],
      ["http://[2002:c0a8:101::1]:{port}/v1", "[2002:c0a8:101::1]", "6to4 form of a private IPv4 address"],
    ] as const;

    it.each(literalHosts)("refuses %s on both surfaces, without connecting", async (template, host, range) => {
      const t = await h.seed({ storedKey: false });
      const port = new URL(h.fake.origin).port;
      await addKey(t, { baseUrl: template.replace("{port}", port) });
      const before = h.fake.requests.length;
      for (const [path, model] of [
        ["compat/chat/completions", "openai/gpt-4o-mini"],
        ["openai/chat/completions", "gpt-4o-mini"],
      ] as const) {
        const res = await postJson(`${t.gatewayUrl}/${path}`, chatBody(model), bearer(t.token));
        const body = await expectGatewayError(res, 403, 2005);
        expect(body.error.code).toBe("private_upstream");
        expect(body.error.message).toBe(
          `Upstream host ${host} is a non-public address (${range}), and this gateway connects only to public addresses; ` +
            `the operator can allow private upstreams with ${ALLOW_HINT}`,
        );
      }
      expect(h.fake.requests.length).toBe(before);
    });

    it("refuses a custom provider on a NAT64 form of loopback", async () => {
      const t = await h.seed({ storedKey: false });
      await addCustomProvider(t, "nat64", `http://[64:ff9b::7f00:1]:${new URL(h.fake.origin).port}/v1`);
      const res = await postJson(`${t.gatewayUrl}/custom-nat64/chat/completions`, chatBody("m"), {
        "cf-aig-authorization": `Bearer ${t.token}`,
        authorization: "Bearer sk-own",
      });
      const body = await expectGatewayError(res, 403, 2005);
      expect(body.error.message).toContain("host [64:ff9b::7f00:1] is a non-public address (NAT64 form of a loopback IPv4 address)");
    });

    it("logs the refusal as the team's failed request", async () => {
      const t = await h.seed({ storedKey: false });
      await addKey(t, { baseUrl: "http://[2002:a9fe:a9fe::1]/latest" });
      const res = await postJson(`${t.gatewayUrl}/openai/chat/completions`, chatBody("gpt-4o-mini"), bearer(t.token));
      await expectGatewayError(res, 403, 2005);
      const row = await h.logRow(res.headers.get("cf-aig-log-id") ?? "");
      expect(row).toMatchObject({ teamId: t.team.id, statusCode: 403, success: false });
    });
  },
  { allowPrivateUpstreams: false },
);

describeGateway("SSRF: passthrough provider paths that could leave the base URL", (h) => {
  /** The node entry forwards the query's bytes; Next's router re-serialises it (`%2f` → `%2F`), keeping its parameters. */
  function expectForwardedQuery(search: string, sent: string) {
    if (h.server.entry === "node") expect(search).toBe(sent);
    else expect([...new URLSearchParams(search)]).toEqual([...new URLSearchParams(sent)]);
  }

  // What the URL parser leaves alone: encoded separators, alone or after dots, in any case.
  const refusedPaths = [
    ["..%2f..%2fadmin", "holds an encoded slash (%2f)"],
    ["..%2F..%2Fadmin", "holds an encoded slash (%2F)"],
    ["v1%2fchat/completions", "holds an encoded slash (%2f)"],
    ["%2e%2e%2fadmin", "holds an encoded slash (%2f)"],
    [".%2E%2Fadmin", "holds an encoded slash (%2F)"],
    ["chat/..%2f..%2f..%2fadmin/completions", "holds an encoded slash (%2f)"],
    ["..%5cadmin", "holds an encoded backslash (%5c)"],
    ["%5C%5Cevil%5Cshare", "holds an encoded backslash (%5C)"],
    ["..%2f%2e%2e%5cadmin", "holds an encoded slash (%2f)"],
  ] as const;

  it.each(refusedPaths)("refuses openai/%s with a 400 naming the segment, and forwards nothing", async (providerPath, problem) => {
    const t = await h.seed();
    const path = `${new URL(t.gatewayUrl).pathname}/openai/${providerPath}?keep=%2f..%2f`;
    const before = h.fake.requests.length;
    const res = await rawRequest(h.url, path, {
      method: "POST",
      headers: { ...bearer(t.token), "content-type": "application/json" },
      body: JSON.stringify(chatBody("gpt-4o-mini")),
    });
    const body = await expectGatewayError(res, 400, 7003);
    expect(body.error.type).toBe("invalid_request_error");
    expect(body.error.code).toBe("invalid_provider_path");
    expect(body.error.message).toMatch(/^Invalid provider path ".*": the segment ".*" /);
    expect(body.error.message).toContain(problem);
    expect(h.fake.requests.length).toBe(before);
    const row = await h.logRow(res.headers.get("cf-aig-log-id") ?? "");
    expect(row).toMatchObject({ teamId: t.team.id, statusCode: 400, success: false, provider: "openai" });
  });

  it("resolves literal and %2e dot segments before routing, so none reaches the provider", async () => {
    const t = await h.seed();
    const gatewayPath = new URL(t.gatewayUrl).pathname;
    // Inside the provider path they fold away and what is left stays under the base URL.
    for (const dotted of ["openai/v1/chat/../models", "openai/v1/./models", "openai/v1/chat/%2e%2e/models", "openai/v1/x/.%2E/models"]) {
      const res = await rawRequest(h.url, `${gatewayPath}/${dotted}?q=..%2f`, { headers: bearer(t.token) });
      expect(res.status, dotted).toBe(200);
      expect((await json(res)).object).toBe("list");
      const seen = h.upstreamWithKey(t.providerKey);
      expect(seen.path).toBe("/v1/models");
      expectForwardedQuery(seen.search, "?q=..%2f");
    }
    // Climbing above the provider lands on another route of the gateway, never on the provider.
    const before = h.fake.requests.length;
    for (const climbing of ["openai/../../../admin", "openai/%2e%2e/%2e%2e/%2e%2e/admin"]) {
      const res = await rawRequest(h.url, `${gatewayPath}/${climbing}`, { headers: bearer(t.token) });
      expect(res.status, climbing).toBeGreaterThanOrEqual(400);
      expect(res.status, climbing).toBeLessThan(500);
    }
    expect(h.fake.requests.length).toBe(before);
  });

  it("forwards a plain path and its query unchanged, encoded slashes in the query included", async () => {
    const t = await h.seed();
    const res = await rawRequest(h.url, `${new URL(t.gatewayUrl).pathname}/openai/models?after=a%2fb&x=..`, {
      headers: bearer(t.token),
    });
    expect(res.status).toBe(200);
    const seen = h.upstreamWithKey(t.providerKey);
    expect(seen.path).toBe("/v1/models");
    expectForwardedQuery(seen.search, "?after=a%2fb&x=..");
  });
});
