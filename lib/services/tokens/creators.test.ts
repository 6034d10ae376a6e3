import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { DatabaseHandle } from "@/db/client";
import { NotFoundError } from "../errors";
import { newTeam, openTestDatabase, operatorOf, userContext } from "../test-helpers";
import { createGatewayToken } from "./create";
import { listTokenCreators } from "./creators";

let handle: DatabaseHandle;
beforeAll(async () => {
  handle = await openTestDatabase();
});
afterAll(() => handle.close());

describe("listTokenCreators", () => {
  it("names the user who created each token, and nobody for the operator's", async () => {
    const team = await newTeam(handle);
    const admin = await userContext(handle, { team, role: "admin" });
    const byAdmin = await createGatewayToken({ ctx: admin, teamId: team.id, name: "by admin" });
    const byOperator = await createGatewayToken({ ctx: operatorOf(handle), teamId: team.id, name: "by cli" });
    const viewer = await userContext(handle, { team, role: "viewer" });
    const creators = await listTokenCreators({ ctx: viewer, teamId: team.id });
    const adminId = admin.actor.type === "user" ? admin.actor.userId : "";
    expect(creators.get(byAdmin.record.id)).toEqual({ name: null, email: `${adminId.toLowerCase()}@example.test` });
    expect(creators.has(byOperator.record.id)).toBe(false);
  });

  it("refuses a user of another team", async () => {
    const team = await newTeam(handle);
    const outsider = await userContext(handle, { team: await newTeam(handle), role: "owner" });
    await expect(listTokenCreators({ ctx: outsider, teamId: team.id })).rejects.toThrow(NotFoundError);
  });
});
