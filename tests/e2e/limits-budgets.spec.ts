import { expect, test, type Page } from "@playwright/test";
import { addGatewayKey, createGateway, createGatewayToken, openDialog, OWNER, screenshotBothThemes, uniqueSlug } from "./support/app";

// The dashboard side of issue 12: rate-limit rules and spend limits on the gateway page, a token's
// own limits and budget on its page, and the Budgets page whose bar moves once the gateway has
// spent. Everything belongs to a gateway and a token of this spec's own.
test.describe.configure({ mode: "serial" });

const team = OWNER.team;
const GATEWAY = uniqueSlug("budgets");
const BUDGET = `gateway ${GATEWAY}`;

let page: Page;
let token = "";
let tokenId = "";
test.beforeAll(async ({ browser }) => {
  page = await browser.newPage({ storageState: test.info().project.use.storageState });
});
test.afterAll(async () => {
  await page?.close();
});

test("a gateway with a stored key and a token for it", async () => {
  await createGateway(page, team, GATEWAY);
  await addGatewayKey(page, team, GATEWAY, "sk-e2e-budgets-00000000DDDD");
  token = await createGatewayToken(page, team, GATEWAY, `budgets ${GATEWAY}`);
});

test("the gateway page sets its rate limit, a rule per user and a spend limit", async ({}, testInfo) => {
  await page.goto(`/${team}/gateways/${GATEWAY}`);
  const section = page.locator("div.grid").filter({ has: page.getByRole("heading", { name: "Rate limiting", exact: true }) }).last();
  await expect(section).not.toContainText("Saved, not enforced yet");

  const rule = await openDialog(page, "Add rule", "Add a rate-limit rule");
  await rule.getByLabel("Rule ID").fill("Per User");
  await rule.getByLabel("Limit").fill("100");
  await rule.getByLabel("Window (seconds)").fill("60");
  await rule.getByLabel("Counted per").selectOption("metadata");
  await rule.getByLabel("Metadata key").fill("user_id");
  await rule.getByRole("button", { name: "Save rule" }).click();
  await expect(rule.getByText("Use 1–64 lowercase letters, digits, - and _")).toBeVisible();
  await rule.getByLabel("Rule ID").fill("per-user");
  await rule.getByRole("button", { name: "Save rule" }).click();
  await expect(rule).toBeHidden();
  await expect(page.getByRole("row").filter({ hasText: "per-user" })).toContainText("Each user_id (metadata)");

  const spend = await openDialog(page, "Add spend limit", "Add a spend-limit rule");
  await spend.getByLabel("Rule ID").fill("per-model");
  await spend.getByLabel("Limit (USD)").fill("5");
  await spend.getByLabel("Window (seconds)").fill("86400");
  await spend.getByLabel("Model", { exact: true }).selectOption("partition");
  await spend.getByLabel("Metadata").fill("env=prod,staging");
  await spend.getByRole("button", { name: "Save rule" }).click();
  await expect(spend).toBeHidden();
  await expect(page.getByTestId("spend-limit-per-model")).toContainText("$5 per 86,400s, sliding · env: only prod, staging · model: a bucket per value");
  await screenshotBothThemes(page, testInfo, "gateway-limits");
});

test("a token's page sets its own rate limit", async () => {
  await page.goto(`/${team}/tokens`);
  await page.getByRole("link", { name: `budgets ${GATEWAY}` }).click();
  await expect(page).toHaveURL(new RegExp(`/${team}/tokens/tok_\\w+$`));
  tokenId = page.url().split("/").pop()!;
  const rule = await openDialog(page, "Add rule", "Add a rate-limit rule");
  await rule.getByLabel("Rule ID").fill("rpm");
  await rule.getByLabel("Limit").fill("50");
  await rule.getByLabel("Window (seconds)").fill("60");
  await rule.getByRole("button", { name: "Save rule" }).click();
  await expect(rule).toBeHidden();
  await expect(page.getByRole("row").filter({ hasText: "rpm" })).toContainText("50 requests");
});

test("a budget set on the Budgets page shows its spend move after the gateway spends", async ({}, testInfo) => {
  await page.goto(`/${team}`);
  await page.getByRole("link", { name: "Budgets" }).first().click();
  await expect(page).toHaveURL(new RegExp(`/${team}/budgets$`));
  const add = await openDialog(page, "Add budget", "Add a budget");
  await add.getByLabel("Name").fill(BUDGET);
  await add.getByLabel("Applies to").selectOption(`gateway:${GATEWAY}`);
  await add.getByLabel("Limit (USD)").fill("0.001");
  await add.getByLabel("Period").selectOption("daily");
  await add.getByLabel("Alert at (%)").fill("10");
  await add.getByRole("button", { name: "Add budget" }).click();
  await expect(add).toBeHidden();

  const budget = page.getByTestId(`budget-${BUDGET}`);
  const bar = budget.getByRole("meter", { name: `Spend of budget ${BUDGET}` });
  await expect(bar).toHaveAttribute("aria-valuenow", "0");
  await expect(budget).toContainText("$0 of $0.0010");
  await expect(budget).toContainText(/Resets \w{3} \d+, 00:00:00 UTC/);

  // gpt-4o's price and the fake's usage (21 prompt tokens, 5 of them cached, 7 completion) cost 116 micro-dollars: 11.6% of the budget.
  const answer = await page.request.post(`/v1/${team}/${GATEWAY}/compat/chat/completions`, {
    headers: { "cf-aig-authorization": `Bearer ${token}` },
    data: { model: "openai/gpt-4o", max_tokens: 16, messages: [{ role: "user", content: "Hello" }] },
  });
  expect(answer.status()).toBe(200);

  await expect(async () => {
    await page.reload();
    await expect(bar).not.toHaveAttribute("aria-valuenow", "0", { timeout: 1_000 });
  }).toPass({ timeout: 15_000 });
  await expect(bar).toHaveAttribute("aria-valuenow", "116");
  // Past the 10% alert threshold: the bar turns amber.
  await expect(budget.getByTestId("spend-bar")).toHaveAttribute("data-state", "alert");
  await expect(budget).toContainText("11.6%");
  // Admission records the crossing once, moments after the request.
  await expect(async () => {
    await page.reload();
    await expect(page.getByRole("row").filter({ hasText: `budget '${BUDGET}'` })).toContainText("10%", { timeout: 1_000 });
  }).toPass({ timeout: 15_000 });
  await screenshotBothThemes(page, testInfo, "budgets");

  await page.goto(`/${team}/tokens/${tokenId}`);
  await expect(page.getByText("This token spends within the team's and its gateways' budgets only.")).toBeVisible();
});
