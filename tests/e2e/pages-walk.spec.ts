import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { expect, test, type Page } from "@playwright/test";
import { createGateway, createGatewayToken, createInvitation, createTeam, e2eDataDir, openDialog, screenshotBothThemes, signUpWithInvitation, uniqueSlug } from "./support/app";

// The pages no other spec shows, each visited as the user who sees it, in a team of the walk's
// own: a gateway's route list, a token's page, an invitation, the operator page, the home page of
// someone in no team, the sign-out confirmation, and where a sign-in link request lands.
test.describe.configure({ mode: "serial" });

const team = uniqueSlug("walk");
const GATEWAY = "main";
const TOKEN = "walk-bot";
const walker = { name: "Wendy Walker", email: `${team}@e2e.example`, password: "walker-password-e2e" };

let owner: Page;
/** Someone the owner invites: in the team, then an operator, then in no team at all. */
let walkerPage: Page;
test.beforeAll(async ({ browser }) => {
  owner = await browser.newPage({ storageState: test.info().project.use.storageState });
  walkerPage = await (await browser.newContext({ storageState: { cookies: [], origins: [] } })).newPage();
});
test.afterAll(async () => {
  await owner?.close();
  await walkerPage?.context().close();
});

/** The CLI on the server's data directory, which it reaches through the socket the server shares. */
async function switchyard(args: string[]): Promise<string> {
  const env = { ...process.env, SWITCHYARD_DATA_DIR: e2eDataDir(), DATABASE_URL: "", DATABASE_DRIVER: "", SWITCHYARD_MASTER_KEYS: "" };
  return (await promisify(execFile)(process.execPath, ["bin/switchyard.js", ...args], { env })).stdout;
}

test("a gateway's routes list shows its route", async ({}, testInfo) => {
  await createTeam(owner, `Walk ${team}`, team);
  await createGateway(owner, team, GATEWAY);
  await owner.goto(`/${team}/gateways/${GATEWAY}/routes`);
  const create = await openDialog(owner, "New route", "New route");
  await create.getByLabel("Route name").fill("support");
  await create.getByRole("button", { name: "Create route" }).click();
  await expect(owner).toHaveURL(new RegExp(`/${team}/gateways/${GATEWAY}/routes/support$`));

  await owner.goto(`/${team}/gateways/${GATEWAY}/routes`);
  await expect(owner.getByRole("heading", { name: "Dynamic routes", level: 1 })).toBeVisible();
  await expect(owner.getByRole("row").filter({ hasText: "dynamic/support" })).toContainText("v1");
  await screenshotBothThemes(owner, testInfo, "routes");

  const missing = await owner.goto(`/${team}/gateways/${GATEWAY}/routes/no-such-route`);
  expect(missing?.status()).toBe(404);
  await expect(owner.getByText("Page not found")).toBeVisible();
  await expect(owner.getByRole("navigation", { name: "Team" })).toBeVisible();
});

test("a token's page names it, the gateway it may use, and its limits", async ({}, testInfo) => {
  await createGatewayToken(owner, team, GATEWAY, TOKEN);
  await owner.goto(`/${team}/tokens`);
  await owner.getByRole("link", { name: TOKEN }).click();
  await expect(owner).toHaveURL(new RegExp(`/${team}/tokens/tok_\\w+$`));
  await expect(owner.getByRole("heading", { name: TOKEN, level: 1 })).toBeVisible();
  await expect(owner.getByRole("main")).toContainText(`gateways ${GATEWAY}`);
  await expect(owner.getByText("This token spends within the team's and its gateways' budgets only.")).toBeVisible();
  await screenshotBothThemes(owner, testInfo, "token");
});

test("an invitation names the team and the role, and signs a newcomer up", async ({}, testInfo) => {
  const invitation = await createInvitation(owner, team, "member");
  await walkerPage.goto(invitation);
  await expect(walkerPage.getByText(`Join Walk ${team}`)).toBeVisible();
  await expect(walkerPage.getByRole("main")).toContainText("as member: see everything and chat in the playground");
  await screenshotBothThemes(walkerPage, testInfo, "invitation");
  await signUpWithInvitation(walkerPage, invitation, walker);
  await expect(walkerPage).toHaveURL(new RegExp(`/${team}(?:/|$)`));
});

test("an operator's page lists every team's credits", async ({}, testInfo) => {
  expect(await switchyard(["operator", "grant", walker.email])).toBe(`${walker.email} is an operator\n`);
  await walkerPage.goto(`/${team}`);
  await walkerPage.getByRole("link", { name: "Operator" }).click();
  await expect(walkerPage).toHaveURL(new RegExp(`/${team}/operator$`));
  await expect(walkerPage.getByRole("heading", { name: "Operator", level: 1 })).toBeVisible();
  await expect(walkerPage.getByText("No operator keys yet")).toBeVisible();
  await expect(walkerPage.getByRole("row").filter({ hasText: team })).toBeVisible();
  await screenshotBothThemes(walkerPage, testInfo, "operator");
});

test("someone in no team is offered to create one at /", async ({}, testInfo) => {
  await walkerPage.goto(`/${team}/members`);
  const leave = await openDialog(walkerPage, "Leave the team", `Leave Walk ${team}?`);
  await leave.getByRole("button", { name: "Leave team" }).click();
  // Leaving sends them home.
  await expect(walkerPage).toHaveURL(/\/$/);
  await expect(walkerPage.getByText("Create your first team")).toBeVisible();
  await expect(walkerPage.getByRole("main")).toContainText(`You are signed in as ${walker.email} but not a member of any team yet.`);
  await screenshotBothThemes(walkerPage, testInfo, "home-no-team");
});

test("sign-out asks first, then signs out", async ({}, testInfo) => {
  await walkerPage.goto("/sign-out");
  await expect(walkerPage.getByText("Sign out?")).toBeVisible();
  await screenshotBothThemes(walkerPage, testInfo, "sign-out");
  await walkerPage.getByRole("button", { name: "Sign out", exact: true }).click();
  await expect(walkerPage).toHaveURL(/\/sign-in/);
});

test("asking for a sign-in link leads to where to find it", async ({}, testInfo) => {
  await walkerPage.goto("/sign-in");
  const linkForm = walkerPage.locator("form").filter({ has: walkerPage.getByRole("button", { name: "Email me a sign-in link" }) });
  await linkForm.getByLabel("Email").fill(walker.email);
  await linkForm.getByRole("button", { name: "Email me a sign-in link" }).click();
  // The page Auth.js shows (sign-in/check-email, at its own address): the e2e server has no SMTP,
  // so the link went to its log.
  await expect(walkerPage.getByRole("heading", { name: "Check the server log" })).toBeVisible();
  await expect(walkerPage.getByRole("link", { name: "Back to sign-in" })).toBeVisible();
  await screenshotBothThemes(walkerPage, testInfo, "sign-in-check-email");
});
