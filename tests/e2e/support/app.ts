import { mkdirSync } from "node:fs";
import path from "node:path";
import { expect, type Locator, type Page, type TestInfo } from "@playwright/test";

/** The owner that the setup project creates on the fresh server; every other spec signs in as them. */
export const OWNER = {
  name: "Olivia Owner",
  email: "owner@e2e.example",
  password: "owner-password-e2e",
  teamName: "Acme E2E",
  team: "acme-e2e",
};

/** Where the setup project leaves the owner's session (cookies) for the other projects. */
export const OWNER_STATE = path.join("test-results", "e2e-auth", "owner.json");

/** Under test-results/, which .gitignore ignores; CI keeps them as artifacts. */
export const SCREENSHOT_DIR = path.join("test-results", "screenshots");

/** The fake OpenAI's `/v1` URL, which playwright.config.ts reads from the fake's first line of output. */
export function fakeProviderUrl(): string {
  const url = process.env.E2E_FAKE_OPENAI_URL;
  if (!url) throw new Error("E2E_FAKE_OPENAI_URL is not set: the fake provider's webServer did not report its URL");
  return url;
}

/** The e2e server's data directory; its embedded database is in `db/` there. */
export function e2eDataDir(): string {
  const dir = process.env.E2E_DATA_DIR;
  if (!dir) throw new Error("E2E_DATA_DIR is not set: playwright.config.ts names the server's data directory");
  return dir;
}

/** A slug no earlier run of the same server used; specs that create things keep apart with it. */
export function uniqueSlug(prefix: string): string {
  return `${prefix}-${Date.now().toString(36)}${Math.floor(Math.random() * 1296).toString(36)}`;
}

/**
 * Screenshots the page in light and then dark mode (the `dark` class the theme script would set,
 * so the page keeps its state), saves both under test-results/screenshots/ and attaches them to
 * the report.
 */
export async function screenshotBothThemes(page: Page, testInfo: TestInfo, name: string): Promise<void> {
  mkdirSync(SCREENSHOT_DIR, { recursive: true });
  for (const theme of ["light", "dark"] as const) {
    await page.emulateMedia({ colorScheme: theme });
    await page.evaluate((dark) => document.documentElement.classList.toggle("dark", dark), theme === "dark");
    await expect(page.locator("html")).toHaveClass(theme === "dark" ? /\bdark\b/ : /^(?!.*\bdark\b)/);
    const file = path.join(SCREENSHOT_DIR, `${name}-${theme}.png`);
    await page.screenshot({ path: file, fullPage: true, animations: "disabled", caret: "hide" });
    await testInfo.attach(`${name} (${theme})`, { path: file, contentType: "image/png" });
  }
  await page.emulateMedia({ colorScheme: "light" });
  await page.evaluate(() => document.documentElement.classList.remove("dark"));
}

export async function signIn(page: Page, email: string, password: string): Promise<void> {
  await page.goto("/sign-in");
  await page.getByLabel("Email", { exact: true }).first().fill(email);
  await page.getByLabel("Password").fill(password);
  await page.getByRole("button", { name: "Sign in", exact: true }).click();
  await expect(page).not.toHaveURL(/\/sign-in/);
}

/** As an admin of `team` (the page's user): a single-use invitation link for `role`. */
export async function createInvitation(page: Page, team: string, role: "owner" | "admin" | "member" | "viewer"): Promise<string> {
  await page.goto(`/${team}/members`);
  const dialog = await openDialog(page, "Invite", "Invite to the team");
  await dialog.getByLabel("Role").selectOption(role);
  await dialog.getByRole("button", { name: "Create link" }).click();
  await expect(dialog.getByText("Invitation created")).toBeVisible();
  const url = (await dialog.locator("code").filter({ hasText: "/invite/" }).textContent())?.trim() ?? "";
  expect(url).toMatch(/\/invite\/\S+$/);
  await dialog.getByRole("button", { name: "Done" }).click();
  // The link carries the server's public URL; the browser reaches the same server at baseURL.
  return new URL(url).pathname;
}

/** Someone without an account opens an invitation link and signs up through it. */
export async function signUpWithInvitation(
  page: Page,
  invitationPath: string,
  person: { name: string; email: string; password: string },
): Promise<void> {
  await page.goto(invitationPath);
  await expect(page.getByRole("heading", { name: /^Join / })).toBeVisible();
  await page.getByLabel("Name", { exact: true }).fill(person.name);
  await page.getByLabel("Email").fill(person.email);
  await page.getByLabel("Password").fill(person.password);
  await page.getByRole("button", { name: "Create account and join" }).click();
  await expect(page).not.toHaveURL(/\/invite\//);
}

/**
 * Clicks the button that opens a dialog and returns the dialog. A click that lands before React
 * has hydrated the button does nothing, so it is retried until the dialog is open.
 */
export async function openDialog(page: Page, button: string, dialog: string): Promise<Locator> {
  const trigger = page.getByRole("button", { name: button, exact: true }).first();
  const opened = page.getByRole("dialog", { name: dialog });
  await expect(async () => {
    if (!(await opened.isVisible())) await trigger.click();
    await expect(opened).toBeVisible({ timeout: 2_000 });
  }).toPass({ timeout: 20_000 });
  return opened;
}

/** Creates a gateway in the team through its dialog and waits for the gateway's page. */
/** A new team of the owner's, created from the team switcher on one of the owner's team pages. */
export async function createTeam(page: Page, name: string, slug: string): Promise<void> {
  await page.goto(`/${OWNER.team}`);
  const switcher = page.getByRole("button", { name: new RegExp(OWNER.teamName) });
  await expect(async () => {
    if ((await switcher.getAttribute("aria-expanded")) !== "true") await switcher.click();
    await expect(switcher).toHaveAttribute("aria-expanded", "true", { timeout: 2_000 });
  }).toPass({ timeout: 20_000 });
  const dialog = await openDialog(page, "Create team", "Create a team");
  await dialog.getByLabel("Team name").fill(name);
  await dialog.getByLabel("URL slug").fill(slug);
  await dialog.getByRole("button", { name: "Create team" }).click();
  await expect(page).toHaveURL(new RegExp(`/${slug}(?:/|$)`));
}

export async function createGateway(page: Page, team: string, gateway: string): Promise<void> {
  await page.goto(`/${team}/gateways`);
  const create = await openDialog(page, "Create gateway", "Create a gateway");
  await create.getByLabel("Gateway ID").fill(gateway);
  await create.getByRole("button", { name: "Create gateway" }).click();
  await expect(page).toHaveURL(new RegExp(`/${team}/gateways/${gateway}$`));
}

/** Stores an OpenAI key, pointed at the fake provider, used by the one gateway. */
export async function addGatewayKey(page: Page, team: string, gateway: string, secret: string): Promise<void> {
  await page.goto(`/${team}/keys`);
  const key = await openDialog(page, "Add key", "Add a provider key");
  await key.getByLabel("Provider").selectOption("openai");
  await key.getByLabel("Used by").selectOption(gateway);
  await key.getByLabel("API key").fill(secret);
  await key.getByLabel(/^Base URL/).fill(fakeProviderUrl());
  await key.getByRole("button", { name: "Add key" }).click();
  await expect(key).toBeHidden();
}

/** Creates a token for the one gateway and returns its secret, shown once. */
export async function createGatewayToken(page: Page, team: string, gateway: string, name: string): Promise<string> {
  await page.goto(`/${team}/tokens`);
  const dialog = await openDialog(page, "Create token", "Create a gateway token");
  await dialog.getByLabel("Name").fill(name);
  await dialog.getByRole("checkbox", { name: gateway }).check();
  await dialog.getByRole("button", { name: "Create token" }).click();
  const token = (await dialog.getByTestId("new-token").textContent())?.trim() ?? "";
  expect(token).toMatch(/^sy_/);
  await dialog.getByRole("button", { name: "Done" }).click();
  return token;
}
