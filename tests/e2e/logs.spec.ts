import { readFileSync } from "node:fs";
import { expect, test, type Page } from "@playwright/test";
import { addGatewayKey, createGateway, createGatewayToken, createTeam, screenshotBothThemes, uniqueSlug } from "./support/app";

// Issue 14's logs as a new user tries them, in a team of their own: a refused request found in the
// team's log view and opened with its reason, a metadata search, the live tail, feedback on the
// detail, an export, and a bad log id answered 404.
test.describe.configure({ mode: "serial" });

const team = uniqueSlug("logs");
const GATEWAY = "main";
const CUSTOMER = `cust-${Date.now().toString(36)}`;

let page: Page;
let token = "";
test.beforeAll(async ({ browser }) => {
  page = await browser.newPage({ storageState: test.info().project.use.storageState });
});
test.afterAll(async () => {
  await page?.close();
});

function chat(gateway: string, headers: Record<string, string>, model = "openai/gpt-4o-mini") {
  return page.request.post(`/v1/${team}/${gateway}/compat/chat/completions`, {
    headers: { "cf-aig-authorization": `Bearer ${token}`, ...headers },
    data: { model, messages: [{ role: "user", content: "Hello" }] },
  });
}

/** The list shows rows once the log writer has flushed them; reload until `text` is on the page. */
async function reloadUntil(url: string, text: string | RegExp) {
  await expect(async () => {
    await page.goto(url);
    await expect(page.getByRole("main")).toContainText(text, { timeout: 1_000 });
  }).toPass({ timeout: 20_000 });
}

test("a team with a gateway, a key, a token, and some traffic", async () => {
  await createTeam(page, `Logs ${team}`, team);
  await createGateway(page, team, GATEWAY);
  await addGatewayKey(page, team, GATEWAY, "sk-e2e-logs-0000000000LOGS");
  token = await createGatewayToken(page, team, GATEWAY, "e2e-logs-bot");
  expect((await chat(GATEWAY, { "cf-aig-metadata": JSON.stringify({ customer: CUSTOMER, plan: "pro" }) })).status()).toBe(200);
  expect((await chat(GATEWAY, { "cf-aig-metadata": JSON.stringify({ customer: "someone-else" }) })).status()).toBe(200);
  // A model no provider serves: the row keeps what the request named.
  expect((await chat(GATEWAY, {}, "nosuchprovider/foo")).status()).toBeGreaterThanOrEqual(400);
  // Refused before a gateway was found.
  expect((await chat("no-such-gateway", {})).status()).toBeGreaterThanOrEqual(400);
});

test("the team's log view lists a refused request with its reason, and opens it", async ({}, testInfo) => {
  await reloadUntil(`/${team}/logs`, "none (refused)");
  await expect(page.getByRole("link", { name: "Logs", exact: true })).toBeVisible();
  const table = page.getByRole("table");
  await expect(table).toContainText("e2e-logs-bot");
  await expect(table).toContainText("nosuchprovider");
  await expect(table).toContainText("compat/chat/completions");
  await expect(page.getByTestId("log-count")).toHaveText("4 requests");
  await screenshotBothThemes(page, testInfo, "team-logs");

  await page.getByText("More filters").click();
  await page.getByLabel("Gateway", { exact: true }).selectOption("true");
  await page.getByRole("button", { name: "Apply" }).click();
  await expect(page.getByTestId("log-count")).toContainText("1 request");
  await page.getByRole("table").getByRole("link").first().click();
  await expect(page).toHaveURL(new RegExp(`/${team}/logs/[0-9a-f-]{36}$`));
  const main = page.getByRole("main");
  await expect(main).toContainText("None: refused before a gateway was found");
  // The reason for the refusal, with its code.
  await expect(main).toContainText("Gateway error 2001");
  await expect(main).toContainText("Gateway not found");
  await screenshotBothThemes(page, testInfo, "team-log-refused");
});

test("a metadata search finds the request, whose detail names its token", async ({}, testInfo) => {
  await page.goto(`/${team}/gateways/${GATEWAY}/logs`);
  await page.getByLabel("Search metadata").fill(`customer=${CUSTOMER}`);
  await page.getByRole("button", { name: "Apply" }).click();
  await expect(page.getByTestId("log-count")).toContainText("1 request");
  await expect(page.getByRole("table")).toContainText(CUSTOMER);
  await expect(page.getByRole("table")).not.toContainText("someone-else");
  await screenshotBothThemes(page, testInfo, "logs-search");

  await page.getByRole("table").getByRole("link").first().click();
  const main = page.getByRole("main");
  await expect(main).toContainText("e2e-logs-bot");
  await expect(main).not.toContainText(/tok_[A-Za-z0-9]/);
});

test("feedback is saved on the detail page", async ({}, testInfo) => {
  await page.getByRole("button", { name: "Thumbs up" }).click();
  await page.getByLabel("Score (0–100)").fill("85");
  await page.getByRole("button", { name: "Save feedback" }).click();
  await expect(page.getByRole("status").filter({ hasText: "Feedback saved." })).toBeVisible();
  await page.reload();
  await expect(page.getByRole("button", { name: "Thumbs up" })).toHaveAttribute("aria-pressed", "true");
  await expect(page.getByLabel("Score (0–100)")).toHaveValue("85");
  await screenshotBothThemes(page, testInfo, "log-feedback");

  await page.goto(`/${team}/logs?feedback=1`);
  await expect(page.getByTestId("log-count")).toContainText("1 request");
});

test("the live tail shows a new request without a reload", async ({}, testInfo) => {
  await page.goto(`/${team}/logs`);
  await page.getByRole("button", { name: "Live tail" }).click();
  const tail = page.getByTestId("live-tail");
  await expect(tail).toContainText("Live: new requests appear here");
  expect((await chat(GATEWAY, { "cf-aig-metadata": JSON.stringify({ customer: "tail-check" }) })).status()).toBe(200);
  await expect(tail.getByRole("listitem")).toHaveCount(1, { timeout: 20_000 });
  await expect(tail).toContainText("e2e-logs-bot");
  await screenshotBothThemes(page, testInfo, "logs-live-tail");
  await tail.getByRole("button", { name: "Stop" }).click();
  await expect(tail).toBeHidden();
});

test("an export downloads every matching row", async () => {
  await page.goto(`/${team}/logs`);
  const count = Number((await page.getByTestId("log-count").textContent())?.match(/\d+/)?.[0]);
  expect(count).toBeGreaterThanOrEqual(5);
  const [csv] = await Promise.all([page.waitForEvent("download"), page.getByRole("link", { name: "CSV" }).click()]);
  expect(csv.suggestedFilename()).toMatch(new RegExp(`^${team}-logs-.*\\.csv$`));
  const lines = readFileSync((await csv.path())!, "utf8").trim().split("\r\n");
  expect(lines).toHaveLength(count + 1);
  expect(lines[0]).toMatch(/^id,created_at,gateway,path/);
});

test("a bad log id is a 404, inside the team layout", async () => {
  for (const path of [`gateways/${GATEWAY}/logs/00000000-0000-7000-8000-000000000000`, "logs/not-a-log-id"]) {
    const response = await page.goto(`/${team}/${path}`);
    expect(response?.status(), path).toBe(404);
    await expect(page.getByRole("main")).toContainText("Page not found");
    await expect(page.getByRole("navigation", { name: "Team" })).toBeVisible();
  }
});
