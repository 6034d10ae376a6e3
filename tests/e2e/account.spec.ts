import { expect, test, type Browser, type Page } from "@playwright/test";
import {
  addGatewayKey,
  createGateway,
  createInvitation,
  createTeam,
  OWNER,
  screenshotBothThemes,
  signIn,
  signUpWithInvitation,
  uniqueSlug,
} from "./support/app";

// Sessions end on the server: a cookie kept from before a sign-out, a password change or "sign out
// everywhere" opens nothing. A member of its own does this, so the owner's shared session lives on.

const team = OWNER.team;
const person = { name: "Sam Sessions", email: `sessions-${uniqueSlug("s")}@e2e.example`, password: "first-password-e2e" };
const NEW_PASSWORD = "second-password-e2e";

async function freshPage(browser: Browser): Promise<Page> {
  const context = await browser.newContext({ storageState: { cookies: [], origins: [] } });
  return context.newPage();
}

/** Whether a browser holding `page`'s cookies still gets into the team. */
async function signedIn(page: Page): Promise<boolean> {
  await page.goto(`/${team}/tokens`);
  await page.waitForURL((url) => url.pathname === `/${team}/tokens` || url.pathname === "/sign-in");
  return new URL(page.url()).pathname !== "/sign-in";
}

test("the account page changes the password, which signs out the other browsers", async ({ page, browser }, testInfo) => {
  const invitation = await createInvitation(page, team, "member");
  const first = await freshPage(browser);
  await signUpWithInvitation(first, invitation, person);
  const second = await freshPage(browser);
  await signIn(second, person.email, person.password);

  // The sidebar's user opens the account page.
  await first.goto(`/${team}`);
  await first.getByRole("link", { name: /Account: password and sessions/ }).or(first.getByTitle("Account: password and sessions")).first().click();
  await expect(first).toHaveURL(new RegExp(`/${team}/account$`));
  await expect(first.getByRole("heading", { name: "Account", level: 1 })).toBeVisible();
  await expect(first.getByText("2 browsers are signed in to this account.")).toBeVisible();
  await expect(first.getByText("This browser")).toHaveCount(1);
  await screenshotBothThemes(first, testInfo, "account");

  // A wrong current password and a short new one are refused, each at its field.
  await first.getByLabel("Current password").fill("not-my-password");
  await first.getByLabel("New password").fill(NEW_PASSWORD);
  await first.getByRole("button", { name: "Change password" }).click();
  await expect(first.getByText("Is not your current password")).toBeVisible();

  await first.getByLabel("Current password").fill(person.password);
  await first.getByLabel("New password").fill(NEW_PASSWORD);
  await first.getByRole("button", { name: "Change password" }).click();
  await expect(first.getByText("Password changed. 1 other session was signed out.")).toBeVisible();

  // This browser stays in; the other one is out, and the old password no longer works.
  expect(await signedIn(first)).toBe(true);
  expect(await signedIn(second)).toBe(false);
  await signIn(second, person.email, NEW_PASSWORD);
  expect(await signedIn(second)).toBe(true);
  await first.context().close();
  await second.context().close();
});

test("a session cookie saved before sign-out is refused afterwards", async ({ browser }) => {
  const page = await freshPage(browser);
  await signIn(page, person.email, NEW_PASSWORD);
  const saved = await page.context().storageState();
  await page.goto(`/${team}`);
  await page.getByRole("button", { name: "Sign out" }).click();
  await expect(page).toHaveURL(/\/sign-in/);

  // Replayed in another browser, the saved cookie is sent to sign-in.
  const replay = await browser.newContext({ storageState: saved });
  const replayed = await replay.newPage();
  expect(await signedIn(replayed)).toBe(false);
  await replay.close();
  await page.context().close();
});

test("sign out everywhere ends every session of the account", async ({ browser }, testInfo) => {
  const [a, b] = [await freshPage(browser), await freshPage(browser)];
  await signIn(a, person.email, NEW_PASSWORD);
  await signIn(b, person.email, NEW_PASSWORD);
  await a.goto(`/${team}/account`);
  await a.getByRole("button", { name: "Sign out everywhere" }).click();
  await expect(a).toHaveURL(/\/sign-in/);
  await screenshotBothThemes(a, testInfo, "signed-out-everywhere");
  expect(await signedIn(b)).toBe(false);
  expect(await signedIn(a)).toBe(false);
  await a.context().close();
  await b.context().close();
});

test("a missing page inside a team answers 404 and keeps the sidebar", async ({ page }, testInfo) => {
  // No page at the address, or a page for a gateway or token the team does not have: each answers a
  // real 404 (before the pages' loading skeleton starts the response), in the team layout.
  for (const path of ["no-such-page", "gateways/no-such-gateway", "gateways/no-such-gateway/logs", "gateways/no-such-gateway/no-such-page", "tokens/tok_nosuch"]) {
    const response = await page.goto(`/${team}/${path}`);
    expect(response?.status(), path).toBe(404);
    await expect(page.getByText("Page not found")).toBeVisible();
    await expect(page.getByRole("navigation", { name: "Team" })).toBeVisible();
  }
  await page.goto(`/${team}/no-such-page`);
  await screenshotBothThemes(page, testInfo, "team-not-found");
});

test("the playground offers what the gateway reaches, keeps its composer in view and scrolls to the newest answer", async ({ page }, testInfo) => {
  const playgroundTeam = uniqueSlug("play");
  await createTeam(page, "Playground E2E", playgroundTeam);
  await createGateway(page, playgroundTeam, "main");
  await addGatewayKey(page, playgroundTeam, "main", "sk-e2e-playground-0123456789");

  await page.goto(`/${playgroundTeam}/playground`);
  const model = page.getByLabel("Model", { exact: true });
  // The gateway's compat/models, chat models only, OpenAI's sensible default first.
  await expect(model).toHaveValue("openai/gpt-4o-mini");
  const offered = await model.locator("option").allTextContents();
  expect(offered.some((label) => label.includes("text-embedding"))).toBe(false);

  const composer = page.getByRole("form", { name: "Composer" });
  const conversation = page.getByRole("log", { name: "Conversation" });
  const long = "Tell me about switchyards. ".repeat(40).trim();
  for (let turn = 1; turn <= 3; turn++) {
    await page.getByRole("textbox", { name: "Message" }).fill(`${turn}: ${long}`);
    await page.getByRole("textbox", { name: "Message" }).press("Enter");
    await expect(conversation.getByRole("article", { name: "Answer" })).toHaveCount(turn);
    await expect(conversation.getByRole("article", { name: "Answer" }).last().getByRole("link", { name: "View log" })).toBeVisible();
  }
  // The conversation overflows its card and is scrolled to its end; the composer is on screen.
  await expect
    .poll(() => conversation.evaluate((log) => log.scrollHeight > log.clientHeight && log.scrollTop + log.clientHeight >= log.scrollHeight - 2))
    .toBe(true);
  const viewport = page.viewportSize()!;
  const box = (await composer.boundingBox())!;
  expect(box.y + box.height).toBeLessThanOrEqual(viewport.height);
  await expect(conversation.getByRole("article", { name: "Answer" }).last()).toBeInViewport();
  await screenshotBothThemes(page, testInfo, "playground-pinned");

  // Its token is listed as the playground's, to its owner.
  await page.goto(`/${playgroundTeam}/tokens`);
  await expect(page.getByText("Your playground token")).toBeVisible();
});
