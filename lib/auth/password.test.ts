import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { DatabaseHandle } from "@/db/client";
import { users } from "@/db/schema";
import { hashPassword } from "@/lib/crypto/password";
import { openTestDatabase } from "@/lib/services/test-helpers";
import { checkPassword } from "./password";
import { PASSWORD_FAILURES, resetLimit } from "./rate-limit";

let handle: DatabaseHandle;
beforeAll(async () => {
  handle = await openTestDatabase();
  await handle.db.insert(users).values({
    id: "user_ada",
    email: "ada@example.com",
    name: "Ada",
    passwordHash: await hashPassword("correct horse"),
  });
  await handle.db.insert(users).values({ id: "user_linkonly", email: "link@example.com" });
});
afterAll(() => handle.close());

describe("checkPassword", () => {
  it("signs in with the right password, whatever the case of the address", async () => {
    expect(await checkPassword(handle.db, { email: " ADA@example.com", password: "correct horse" }, "192.0.2.1")).toEqual({
      id: "user_ada",
      email: "ada@example.com",
      name: "Ada",
      image: null,
    });
  });

  it.each([
    ["a wrong password", { email: "ada@example.com", password: "wrong horse" }],
    ["an unknown address", { email: "nobody@example.com", password: "correct horse" }],
    ["a user without a password", { email: "link@example.com", password: "anything" }],
    ["missing fields", { email: "ada@example.com" }],
  ])("refuses %s", async (_, credentials) => {
    expect(await checkPassword(handle.db, credentials, "192.0.2.2")).toBeNull();
  });

  it("stops checking after 10 failures for an address, even with the right password", async () => {
    await resetLimit(handle.db, PASSWORD_FAILURES, "email:ada@example.com");
    for (let i = 0; i < 10; i++) {
      expect(await checkPassword(handle.db, { email: "ada@example.com", password: "nope" }, `198.51.100.${i}`)).toBeNull();
    }
    expect(await checkPassword(handle.db, { email: "ada@example.com", password: "correct horse" }, "198.51.100.99")).toBe(
      "rate_limited",
    );
    await resetLimit(handle.db, PASSWORD_FAILURES, "email:ada@example.com");
  });

  it("does not count right passwords against the client address", async () => {
    for (let i = 0; i < 12; i++) {
      await expect(
        checkPassword(handle.db, { email: "ada@example.com", password: "correct horse" }, "203.0.113.50"),
      ).resolves.toMatchObject({ id: "user_ada" });
    }
    expect(await checkPassword(handle.db, { email: "ada@example.com", password: "nope" }, "203.0.113.50")).toBeNull();
  });

  it("stops checking after 10 failures from one client address, whichever account", async () => {
    for (let i = 0; i < 10; i++) {
      await checkPassword(handle.db, { email: `guess${i}@example.com`, password: "nope" }, "203.0.113.9");
    }
    expect(await checkPassword(handle.db, { email: "ada@example.com", password: "correct horse" }, "203.0.113.9")).toBe(
      "rate_limited",
    );
    // Someone else is unaffected.
    await expect(
      checkPassword(handle.db, { email: "ada@example.com", password: "correct horse" }, "203.0.113.10"),
    ).resolves.toMatchObject({ id: "user_ada" });
  });
});
