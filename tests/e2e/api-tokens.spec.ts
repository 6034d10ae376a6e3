import { expect, test } from "@playwright/test";
import { createTeam, openDialog, screenshotBothThemes, uniqueSlug } from "./support/app";

// An API token created on its page, used with fetch from the page itself against the management
// API (a gateway created and listed), then revoked, after which the same call is refused.
test("an API token made on the API tokens page manages the team's gateways over the API until revoked", async ({ page }, testInfo) => {
  const team = uniqueSlug("apitok");
  await createTeam(page, `API tokens ${team}`, team);
  await page.goto(`/${team}/api-tokens`);
  await expect(page.getByRole("heading", { name: "API tokens", exact: true })).toBeVisible();
  await expect(page.getByText("No API tokens yet")).toBeVisible();

  const dialog = await openDialog(page, "Create API token", "Create an API token");
  await dialog.getByLabel("Name").fill("deploy pipeline");
  await dialog.getByRole("checkbox", { name: /^Edit/ }).check();
  await dialog.getByLabel("Role").selectOption("admin");
  await dialog.getByRole("button", { name: "Create API token" }).click();
  const token = (await dialog.getByTestId("new-api-token").textContent())?.trim() ?? "";
  expect(token).toMatch(/^sya_/);
  await dialog.getByRole("button", { name: "Done" }).click();

  const row = page.getByRole("row", { name: /deploy pipeline/ });
  await expect(row).toContainText("read");
  await expect(row).toContainText("edit");
  await expect(row).toContainText("admin");
  await expect(row).toContainText("Active");
  await expect(page.getByText(token)).toHaveCount(0);
  await screenshotBothThemes(page, testInfo, "api-tokens");

  // fetch from the page with credentials: "omit", so the token alone authenticates, not the session.
  const call = (method: string, path: string, body?: unknown) =>
    page.evaluate(
      async ({ method, path, body, token }) => {
        const res = await fetch(path, {
          method,
          credentials: "omit",
          headers: { authorization: `Bearer ${token}`, ...(body ? { "content-type": "application/json" } : {}) },
          body: body ? JSON.stringify(body) : undefined,
        });
        return { status: res.status, body: await res.json() };
      },
      { method, path, body, token },
    );
  const base = `/client/v4/accounts/${team}/ai-gateway/gateways`;
  const created = await call("POST", base, { id: "from-api", cache_ttl: 0, cache_invalidate_on_update: false, collect_logs: true, rate_limiting_interval: 0, rate_limiting_limit: 0 });
  expect(created).toMatchObject({ status: 201, body: { success: true, result: { id: "from-api" } } });
  const listed = await call("GET", base);
  expect(listed.body.result.map((g: { id: string }) => g.id)).toContain("from-api");

  await page.reload();
  const revoke = await openDialog(page, "Revoke API token deploy pipeline", "Revoke “deploy pipeline”?");
  await revoke.getByRole("button", { name: "Revoke API token" }).click();
  await expect(page.getByRole("row", { name: /deploy pipeline/ })).toContainText("Revoked");
  expect(await call("GET", base)).toMatchObject({ status: 401, body: { errors: [{ code: 10000, message: "Authentication error: the API token was revoked" }] } });
});
