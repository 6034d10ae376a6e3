import { expect, test as setup } from "@playwright/test";
import { OWNER, OWNER_STATE, screenshotBothThemes } from "./support/app";

// The server starts on an empty data directory: the first visit must lead to the owner setup.
setup("first run: the first visit creates the owner account and the first team", async ({ page }, testInfo) => {
  await page.goto("/");
  await expect(page).toHaveURL(/\/setup$/);
  await expect(page.getByRole("heading", { name: "Welcome to Switchyard" })).toBeVisible();
  await screenshotBothThemes(page, testInfo, "setup");

  await page.getByLabel("Name", { exact: true }).fill(OWNER.name);
  await page.getByLabel("Email").fill(OWNER.email);
  await page.getByLabel("Password").fill(OWNER.password);
  await page.getByLabel("Team name").fill(OWNER.teamName);
  await page.getByLabel("URL slug").fill(OWNER.team);
  await page.getByRole("button", { name: "Create account and team" }).click();

  await expect(page).toHaveURL(new RegExp(`/${OWNER.team}(?:/|$)`));
  await expect(page.getByRole("navigation", { name: "Team" })).toBeVisible();
  await page.context().storageState({ path: OWNER_STATE });

  // Setup is closed once anyone exists.
  await page.goto("/setup");
  await expect(page).not.toHaveURL(/\/setup$/);
});
