import { expect, test } from "@playwright/test";
import { createInvitation, createTeam, fakeProviderUrl, openDialog, OWNER, screenshotBothThemes, signUpWithInvitation, uniqueSlug } from "./support/app";

// The audit log answers "who did this": the owner stores a provider key, an admin deletes it, and
// the team's audit page names each of them, the action and where it came from.

const team = uniqueSlug("audit");
const admin = { name: "Ada Admin", email: `admin-${uniqueSlug("a")}@e2e.example`, password: "admin-password-e2e" };
const ALIAS = "audited";

test("the audit log shows who created a provider key and who deleted it", async ({ page, browser }, testInfo) => {
  await createTeam(page, "Audit E2E", team);

  // The owner stores a key.
  await page.goto(`/${team}/keys`);
  const add = await openDialog(page, "Add key", "Add a provider key");
  await add.getByLabel("Provider").selectOption("openai");
  await add.getByLabel("API key").fill("sk-e2e-audit-secret-0123456789ABCD");
  await add.getByLabel("Alias").fill(ALIAS);
  await add.getByLabel(/^Base URL/).fill(fakeProviderUrl());
  await add.getByRole("button", { name: "Add key" }).click();
  await expect(add).toBeHidden();

  // An admin joins and deletes it.
  const invitation = await createInvitation(page, team, "admin");
  const context = await browser.newContext({ storageState: { cookies: [], origins: [] } });
  const adminPage = await context.newPage();
  await signUpWithInvitation(adminPage, invitation, admin);
  await adminPage.goto(`/${team}/keys`);
  // The trigger's name ends with the key's preview; retried like openDialog, until React has hydrated it.
  const trigger = adminPage.getByRole("button", { name: new RegExp(`^Delete the openai key ${ALIAS}`) });
  const remove = adminPage.getByRole("dialog", { name: `Delete the OpenAI key “${ALIAS}”?` });
  await expect(async () => {
    if (!(await remove.isVisible())) await trigger.click();
    await expect(remove).toBeVisible({ timeout: 2_000 });
  }).toPass({ timeout: 20_000 });
  await remove.getByRole("button", { name: "Delete key" }).click();
  await expect(remove).toBeHidden();
  await expect(adminPage.getByText("No provider keys yet")).toBeVisible();
  await context.close();

  // The owner reads the audit log, narrowed to provider keys.
  await page.goto(`/${team}`);
  await page.getByRole("link", { name: "Audit log" }).click();
  await expect(page.getByRole("heading", { name: "Audit log", level: 1 })).toBeVisible();
  await page.getByLabel("Action or entity").fill("provider_key");
  await page.getByRole("button", { name: "Apply" }).click();
  await expect(page).toHaveURL(/action=provider_key/);

  const rows = page.getByRole("row");
  await expect(rows).toHaveCount(3);
  const deleted = rows.nth(1);
  await expect(deleted).toContainText("provider_key.delete");
  await expect(deleted).toContainText(admin.email);
  await expect(deleted).toContainText(`openai "${ALIAS}"`);
  await expect(deleted).toContainText("Dashboard");
  const created = rows.nth(2);
  await expect(created).toContainText("provider_key.create");
  await expect(created).toContainText(OWNER.email);
  await expect(created).toContainText(`alias: ${ALIAS}`);
  // What the key list shows of a secret, never more.
  await expect(page.locator("main")).not.toContainText("0123456789ABCD");
  await screenshotBothThemes(page, testInfo, "audit-log");

  // The export carries the same filter, and downloads as a file.
  const csvLink = page.getByRole("link", { name: "Export CSV" });
  await expect(csvLink).toHaveAttribute("href", `/${team}/audit/export?action=provider_key&format=csv`);
  const download = page.waitForEvent("download");
  await csvLink.click();
  const file = await download;
  expect(file.suggestedFilename()).toMatch(new RegExp(`^${team}-audit-\\d{4}-\\d\\d-\\d\\d\\.csv$`));
  const csv = await page.request.get(`/${team}/audit/export?action=provider_key&format=csv`);
  expect(csv.headers()["content-type"]).toContain("text/csv");
  const lines = (await csv.text()).trimEnd().split("\r\n");
  expect(lines).toHaveLength(3);
  expect(lines[1]).toContain(`provider_key.delete`);
  expect(lines[1]).toContain(admin.email);
  expect(lines[2]).toContain(OWNER.email);

  const bad = await page.request.get(`/${team}/audit/export?format=xlsx`);
  expect(bad.status()).toBe(400);
  expect(await bad.text()).toContain("format: must be csv or jsonl");
});
