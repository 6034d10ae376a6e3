import { expect, test } from "@playwright/test";
import { createInvitation, createTeam, openDialog, OWNER, screenshotBothThemes, signUpWithInvitation, uniqueSlug } from "./support/app";

// Teams never see each other's data: a member of another team gets the same 404 as for a team
// that does not exist.

const otherTeam = uniqueSlug("other");
const gateway = uniqueSlug("private");
const outsider = { name: "Oscar Outsider", email: `outsider-${uniqueSlug("o")}@e2e.example`, password: "outsider-password-e2e" };

test("a member of a second team cannot see the first team's gateway", async ({ page, browser }, testInfo) => {
  // A gateway of the first team, which the owner can open.
  await page.goto(`/${OWNER.team}/gateways`);
  const create = await openDialog(page, "Create gateway", "Create a gateway");
  await create.getByLabel("Gateway ID").fill(gateway);
  await create.getByRole("button", { name: "Create gateway" }).click();
  await expect(page).toHaveURL(new RegExp(`/${OWNER.team}/gateways/${gateway}$`));

  // A second team, created from the team switcher; its owner invites an outsider into it only.
  await createTeam(page, "Other E2E", otherTeam);
  const invitation = await createInvitation(page, otherTeam, "admin");

  const context = await browser.newContext({ storageState: { cookies: [], origins: [] } });
  const outsiderPage = await context.newPage();
  await signUpWithInvitation(outsiderPage, invitation, outsider);
  await expect(outsiderPage).toHaveURL(new RegExp(`/${otherTeam}(?:/|$)`));

  // Their own team works…
  expect((await outsiderPage.goto(`/${otherTeam}/gateways`))?.status()).toBe(200);
  // …the first team's gateway, logs, keys and playground do not exist for them.
  for (const path of [
    `/${OWNER.team}/gateways/${gateway}`,
    `/${OWNER.team}/gateways/${gateway}/logs`,
    `/${OWNER.team}/gateways`,
    `/${OWNER.team}/keys`,
    `/${OWNER.team}/playground`,
  ]) {
    const res = await outsiderPage.goto(path);
    expect(res?.status(), path).toBe(404);
    await expect(outsiderPage.getByText(gateway)).toHaveCount(0);
  }
  await screenshotBothThemes(outsiderPage, testInfo, "not-found");

  // Neither does the playground's route.
  const res = await outsiderPage.request.post("/api/playground", {
    data: { team: OWNER.team, gateway, model: "openai/gpt-4o-mini", messages: [{ id: "m1", role: "user", parts: [{ type: "text", text: "hi" }] }] },
  });
  expect(res.status()).toBe(404);
  await context.close();
});
