import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { DatabaseHandle } from "@/db/client";
import { ConflictError, ForbiddenError, InvalidInputError, NotFoundError } from "../errors";
import { newTeam, openTestDatabase, operatorOf, userContext } from "../test-helpers";
import { createCustomProvider } from "./create";
import { listCustomProviders } from "./list";

let handle: DatabaseHandle;
beforeAll(async () => {
  handle = await openTestDatabase();
});
afterAll(() => handle.close());

describe("custom providers", () => {
  it("creates one named after its slug unless given a name, with a canonical base URL", async () => {
    const team = await newTeam(handle);
    const created = await createCustomProvider({ ctx: operatorOf(handle), teamId: team.id, slug: "vllm", baseUrl: "http://gpu.internal:8000/v1/", allowPrivateUpstreams: true });
    expect(created).toMatchObject({ slug: "vllm", name: "vllm", baseUrl: "http://gpu.internal:8000/v1", enabled: true });
  });

  it("refuses a bad slug or URL and a slug in use", async () => {
    const team = await newTeam(handle);
    const ctx = operatorOf(handle);
    await expect(createCustomProvider({ ctx, teamId: team.id, slug: "-x", baseUrl: "gpu:8000" })).rejects.toThrow(
      new InvalidInputError(
        "slug: use 1–64 lowercase letters, digits and hyphens, not starting with a hyphen; baseUrl: must be an http:// or https:// URL",
      ),
    );
    await createCustomProvider({ ctx, teamId: team.id, slug: "vllm", baseUrl: "https://a.example.com" });
    await expect(createCustomProvider({ ctx, teamId: team.id, slug: "vllm", baseUrl: "https://b.example.com" })).rejects.toThrow(
      new ConflictError(`custom provider "custom-vllm" already exists in team "${team.slug}"`),
    );
  });

  it("refuses a base URL on a non-public address unless private upstreams are allowed", async () => {
    const team = await newTeam(handle);
    const ctx = operatorOf(handle);
    const hint = "Switchyard sends requests only to public addresses (the operator can allow private upstreams with SWITCHYARD_ALLOW_PRIVATE_UPSTREAMS=true)";
    for (const [baseUrl, refusal] of [
      ["http://127.0.0.1:8000/v1", "host 127.0.0.1 is a non-public address (loopback)"],
      ["http://localhost:8000/v1", "host localhost resolves to a non-public address (loopback)"],
      ["http://192.168.1.20:8000/v1", "host 192.168.1.20 is a non-public address (private)"],
      ["http://[64:ff9b::169.254.169.254]/v1", "host [64:ff9b::a9fe:a9fe] is a non-public address (NAT64 form of a linkLocal IPv4 address)"],
      ["http://[2002:a00:1::]/v1", "host [2002:a00:1::] is a non-public address (6to4 form of a private IPv4 address)"],
      ["http://[fec0::1]/v1", "host [fec0::1] is a non-public address (deprecatedSiteLocal)"],
    ] as const) {
      await expect(createCustomProvider({ ctx, teamId: team.id, slug: "gpu", baseUrl, allowPrivateUpstreams: false })).rejects.toThrow(
        new InvalidInputError(`baseUrl: ${refusal}, and ${hint}`),
      );
    }
    expect(await listCustomProviders({ ctx, teamId: team.id })).toEqual([]);
    await expect(
      createCustomProvider({ ctx, teamId: team.id, slug: "gpu", baseUrl: "http://192.168.1.20:8000/v1", allowPrivateUpstreams: true }),
    ).resolves.toMatchObject({ slug: "gpu", baseUrl: "http://192.168.1.20:8000/v1" });
    await expect(
      createCustomProvider({ ctx, teamId: team.id, slug: "public", baseUrl: "https://[2606:4700::1111]/v1", allowPrivateUpstreams: false }),
    ).resolves.toMatchObject({ slug: "public" });
  });

  it("needs admin to create, viewer to list, and shows only the team's own", async () => {
    const [team, other] = [await newTeam(handle), await newTeam(handle)];
    const admin = await userContext(handle, { team, role: "admin" });
    const viewer = await userContext(handle, { team, role: "viewer" });
    await createCustomProvider({ ctx: admin, teamId: team.id, slug: "ours", baseUrl: "https://ours.example.com" });
    await createCustomProvider({ ctx: operatorOf(handle), teamId: other.id, slug: "theirs", baseUrl: "https://theirs.example.com" });
    await expect(
      createCustomProvider({ ctx: viewer, teamId: team.id, slug: "nope", baseUrl: "https://x.example.com" }),
    ).rejects.toThrow(ForbiddenError);
    expect((await listCustomProviders({ ctx: viewer, teamId: team.id })).map((p) => p.slug)).toEqual(["ours"]);
    await expect(listCustomProviders({ ctx: viewer, teamId: other.id })).rejects.toThrow(NotFoundError);
  });
});
