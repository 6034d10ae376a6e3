import { expect, test, type Request } from "@playwright/test";
import { addGatewayKey, createGateway, createInvitation, openDialog, OWNER, screenshotBothThemes, signUpWithInvitation, uniqueSlug } from "./support/app";

// Every action checks the role on the server. The UI hides what a viewer may not do; a hand-made
// request for it is refused by the service all the same.

const team = OWNER.team;
const viewer = { name: "Victor Viewer", email: `viewer-${uniqueSlug("v")}@e2e.example`, password: "viewer-password-e2e" };
const REFUSED_ALIAS = uniqueSlug("viewer-attempt");
const GATEWAY = uniqueSlug("roles");

test("a viewer is refused key creation, in the UI and by a hand-made request", async ({ page, browser }, testInfo) => {
  // The owner invites a viewer…
  const invitation = await createInvitation(page, team, "viewer");

  // A gateway of its own with a key, so the viewer's playground has something to (not) send to.
  await createGateway(page, team, GATEWAY);
  await addGatewayKey(page, team, GATEWAY, "sk-roles-gateway-0123456789");

  // For the hand-made request, the owner's own "add key" server action call is captured (and
  // stopped, so the owner adds nothing).
  const dialog = await openDialog(page, "Add key", "Add a provider key");
  await dialog.getByLabel("Provider").selectOption("openai");
  await dialog.getByLabel("API key").fill("sk-viewer-attempt-0123456789");
  await dialog.getByLabel("Alias").fill(REFUSED_ALIAS);
  let captured: Request | undefined;
  await page.route(`**/${team}/keys`, async (route) => {
    if (route.request().method() === "POST" && route.request().headers()["next-action"]) {
      captured = route.request();
      await route.abort();
    } else {
      await route.continue();
    }
  });
  await dialog.getByRole("button", { name: "Add key" }).click();
  await expect.poll(() => captured !== undefined).toBe(true);
  await page.unroute(`**/${team}/keys`);

  // The viewer joins through the link.
  const context = await browser.newContext({ storageState: { cookies: [], origins: [] } });
  const viewerPage = await context.newPage();
  await signUpWithInvitation(viewerPage, invitation, viewer);
  await expect(viewerPage).toHaveURL(new RegExp(`/${team}(?:/|$)`));

  // The keys page offers a viewer nothing to add, and says who can.
  await viewerPage.goto(`/${team}/keys`);
  await expect(viewerPage.getByRole("heading", { name: "Provider keys", level: 1 })).toBeVisible();
  await expect(viewerPage.getByRole("button", { name: "Add key" })).toHaveCount(0);
  await expect(viewerPage.getByRole("button", { name: /^Rotate|^Delete/ })).toHaveCount(0);
  await screenshotBothThemes(viewerPage, testInfo, "keys-as-viewer");

  // The same server action, sent by hand with the viewer's session, is refused by the service.
  const request = captured!;
  const headers = { ...request.headers() };
  delete headers.cookie;
  const res = await viewerPage.request.fetch(request.url(), {
    method: "POST",
    headers,
    data: request.postDataBuffer() ?? undefined,
  });
  // The action answers with its form state: the service's refusal, worded for the form.
  expect(await res.text()).toMatch(/viewer\W+cannot add provider keys|needs the admin role/i);

  // Nothing was stored: the owner's list has no key with that alias.
  await page.goto(`/${team}/keys`);
  await expect(page.getByRole("heading", { name: "Provider keys", level: 1 })).toBeVisible();
  await expect(page.getByText(REFUSED_ALIAS)).toHaveCount(0);

  // The playground tells a viewer why they cannot send, and does not let them.
  await viewerPage.goto(`/${team}/playground`);
  await expect(viewerPage.getByText("Viewers can't send playground requests")).toBeVisible();
  await viewerPage.getByLabel("Gateway", { exact: true }).selectOption(GATEWAY);
  await expect(viewerPage.getByRole("textbox", { name: "Message" })).toBeDisabled();
  await expect(viewerPage.getByRole("button", { name: "Send" })).toBeDisabled();
  await screenshotBothThemes(viewerPage, testInfo, "playground-as-viewer");

  // And the playground's route refuses them too.
  const refused = await viewerPage.request.post("/api/playground", {
    data: { team, gateway: GATEWAY, model: "openai/gpt-4o-mini", messages: [{ id: "m1", role: "user", parts: [{ type: "text", text: "hi" }] }] },
  });
  expect(refused.status()).toBe(403);
  expect(await refused.text()).toContain("Viewers can't send playground requests");
  await context.close();
});

test("the sign-in page", async ({ browser }, testInfo) => {
  const context = await browser.newContext({ storageState: { cookies: [], origins: [] } });
  const page = await context.newPage();
  await page.goto(`/${team}/gateways`);
  // A visitor without a session is sent to sign in, and back afterwards.
  await expect(page).toHaveURL(/\/sign-in\?callbackUrl=/);
  await expect(page.getByRole("button", { name: "Sign in", exact: true })).toBeVisible();
  await screenshotBothThemes(page, testInfo, "sign-in");
  await page.getByLabel("Email", { exact: true }).first().fill(OWNER.email);
  await page.getByLabel("Password").fill(OWNER.password);
  await page.getByRole("button", { name: "Sign in", exact: true }).click();
  await expect(page).toHaveURL(new RegExp(`/${team}/gateways$`));
  await context.close();
});
