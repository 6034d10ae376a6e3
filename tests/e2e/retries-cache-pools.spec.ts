import { expect, test, type Page } from "@playwright/test";
import { createGateway, createGatewayToken, fakeProviderUrl, openDialog, OWNER, screenshotBothThemes, uniqueSlug } from "./support/app";

// The dashboard side of issue 11: the gateway settings for retries, the request timeout and the
// cache without their "not enforced yet" labels; a pool of provider keys with weights and a key
// the provider rejected; the attempts of a request that fell back, in its log. Everything here belongs to a
// gateway of this spec's own, and its requests reach the fake OpenAI through stored keys.
test.describe.configure({ mode: "serial" });

const team = OWNER.team;
const GATEWAY = uniqueSlug("pools");
const NOT_ENFORCED = "Saved, not enforced yet";

let page: Page;
let token = "";
test.beforeAll(async ({ browser }) => {
  page = await browser.newPage({ storageState: test.info().project.use.storageState });
});
test.afterAll(async () => {
  await page?.close();
});

async function addKey({ secret, alias, pool, weight }: { secret: string; alias: string; pool?: boolean; weight?: number }) {
  await page.goto(`/${team}/keys`);
  const dialog = await openDialog(page, "Add key", "Add a provider key");
  await dialog.getByLabel("Provider").selectOption("openai");
  await dialog.getByLabel("Used by").selectOption(GATEWAY);
  await dialog.getByLabel("API key").fill(secret);
  await dialog.getByLabel("Alias").fill(alias);
  await dialog.getByLabel(/^Base URL/).fill(fakeProviderUrl());
  if (pool) {
    await dialog.getByRole("switch", { name: "Add to the pool" }).check();
    await dialog.getByLabel("Weight").fill(String(weight ?? 1));
  }
  await dialog.getByRole("button", { name: "Add key" }).click();
  return dialog;
}

/** A request through the gateway's compat endpoint with its stored keys; `model` picks the fake's behaviour. */
function chat(model: string, headers: Record<string, string> = {}) {
  return page.request.post(`/v1/${team}/${GATEWAY}/compat/chat/completions`, {
    headers: { "cf-aig-authorization": `Bearer ${token}`, ...headers },
    data: { model: `openai/${model}`, messages: [{ role: "user", content: "Hello" }] },
  });
}

test("the settings for retries, the request timeout and the cache are enforced: no 'not enforced yet' label", async ({}, testInfo) => {
  await createGateway(page, team, GATEWAY);

  // The innermost grid holding the section's title: the section itself.
  const section = (title: string) => page.locator("div.grid").filter({ has: page.getByRole("heading", { name: title, exact: true }) }).last();
  await expect(section("Caching")).toBeVisible();
  await expect(section("Caching")).not.toContainText(NOT_ENFORCED);
  await expect(section("Retries and timeout")).not.toContainText(NOT_ENFORCED);
  await expect(section("Rate limiting")).not.toContainText(NOT_ENFORCED);

  await page.getByLabel("Attempts").fill("2");
  await page.getByLabel("Request timeout (ms)").fill("8000");
  await page.getByLabel("Metadata keys in the cache key").fill("user, cf.tenant");
  await page.getByRole("button", { name: "Save settings" }).click();
  await expect(page.getByText('Metadata key "cf.tenant" starts with "cf.", which is reserved for the gateway\'s own keys')).toBeVisible();
  await expect(page.getByLabel("Metadata keys in the cache key")).toHaveAttribute("aria-invalid", "true");

  await page.getByLabel("Metadata keys in the cache key").fill("user, tenant");
  await page.getByRole("button", { name: "Save settings" }).click();
  await expect(page.getByText("Settings saved.")).toBeVisible();
  await page.reload();
  await expect(page.getByLabel("Attempts")).toHaveValue("2");
  await expect(page.getByLabel("Request timeout (ms)")).toHaveValue("8000");
  await expect(page.getByLabel("Metadata keys in the cache key")).toHaveValue("user, tenant");
  await screenshotBothThemes(page, testInfo, "gateway-settings-retries-cache");
});

test("OpenTelemetry collectors are set as JSON, named when wrong, and their credentials never shown again", async ({}, testInfo) => {
  const collectors = page.getByLabel("OpenTelemetry collectors");
  await collectors.fill('[{"url": "collector.example"}]');
  await page.getByRole("button", { name: "Save settings" }).click();
  await expect(page.getByText("Must be an http:// or https:// URL of the collector's traces endpoint", { exact: false })).toBeVisible();
  await expect(collectors).toHaveAttribute("aria-invalid", "true");

  await collectors.fill('[{"url": "https://collector.example/v1/traces", "authorization": "Bearer e2e-otel-secret", "content_type": "protobuf"}]');
  await page.getByRole("button", { name: "Save settings" }).click();
  await expect(page.getByText("Settings saved.")).toBeVisible();
  await page.reload();
  await expect(collectors).toHaveValue(/"authorization": "\[stored\]"/);
  await expect(collectors).toHaveValue(/"content_type": "protobuf"/);
  expect(await page.content()).not.toContain("e2e-otel-secret");
  await collectors.scrollIntoViewIfNeeded();
  await screenshotBothThemes(page, testInfo, "gateway-settings-otel");
});

test("a token for the gateway's requests", async () => {
  token = await createGatewayToken(page, team, GATEWAY, `pools ${GATEWAY}`);
});

test("a second key under an alias is refused unless it joins the pool; the pool shows its keys and weights", async ({}, testInfo) => {
  const first = await addKey({ secret: "sk-e2e-pool-first-00000000AAAA", alias: "pooled" });
  await expect(first).toBeHidden();

  const refused = await addKey({ secret: "sk-e2e-pool-second-0000000BBBB", alias: "pooled" });
  await expect(refused.getByRole("alert")).toContainText("add this one to its pool");
  await refused.getByRole("switch", { name: "Add to the pool" }).check();
  await refused.getByLabel("API key").fill("sk-e2e-pool-second-0000000BBBB");
  await refused.getByLabel("Weight").fill("3");
  await refused.getByRole("button", { name: "Add key" }).click();
  await expect(refused).toBeHidden();

  const header = page.locator("th").filter({ hasText: `gateway ${GATEWAY}` });
  await expect(header).toContainText("Pool pooled of OpenAI");
  await expect(header).toContainText("2 keys, all in rotation");
  const firstRow = page.getByRole("row").filter({ hasText: "sk-e…AAAA" });
  const secondRow = page.getByRole("row").filter({ hasText: "sk-e…BBBB" });
  await expect(firstRow.getByRole("cell").nth(4)).toHaveText("1");
  await expect(secondRow.getByRole("cell").nth(4)).toHaveText("3");

  await firstRow.getByRole("button", { name: "Weight" }).click();
  const weight = page.getByRole("dialog", { name: /^Weight of the OpenAI key “pooled”/ });
  await weight.getByLabel("Weight").fill("2");
  await weight.getByRole("button", { name: "Save weight" }).click();
  await expect(weight).toBeHidden();
  await expect(firstRow.getByRole("cell").nth(4)).toHaveText("2");
  await screenshotBothThemes(page, testInfo, "keys-pool");
});

test("a key the provider rejects is flagged as out of its pool", async () => {
  const rejected = await chat("fake-error-401", { "cf-aig-byok-alias": "pooled" });
  expect(rejected.status()).toBe(401);
  // The log writer marks the key moments after the answer.
  await expect(async () => {
    await page.goto(`/${team}/keys`);
    await expect(page.getByText("Rejected by the provider — out of the pool").first()).toBeVisible({ timeout: 1_000 });
  }).toPass({ timeout: 15_000 });
  await expect(page.locator("th").filter({ hasText: `gateway ${GATEWAY}` })).toContainText(/2 keys, [01] in rotation/);
});

test("a request that fell back shows each attempt in its log, with the key it used", async ({}, testInfo) => {
  await expect(await addKey({ secret: "sk-e2e-attempts-000000000CCCC", alias: "fallback" })).toBeHidden();
  // Through the Universal endpoint: step 0 fails (one attempt, whatever the gateway's retry setting), step 1 answers.
  const messages = [{ role: "user", content: "Hello" }];
  const answered = await page.request.post(`/v1/${team}/${GATEWAY}`, {
    headers: { "cf-aig-authorization": `Bearer ${token}`, "cf-aig-byok-alias": "fallback" },
    data: [
      { provider: "openai", endpoint: "chat/completions", config: { maxAttempts: 1 }, query: { model: "fake-error-503", messages } },
      { provider: "openai", endpoint: "chat/completions", config: { maxAttempts: 1 }, query: { model: "gpt-4o-mini", messages } },
    ],
  });
  expect(answered.status()).toBe(200);
  expect(answered.headers()["cf-aig-step"]).toBe("1");
  const requestId = answered.headers()["cf-aig-request-id"]!;
  const answeredLog = answered.headers()["cf-aig-log-id"]!;
  const logs = `/${team}/gateways/${GATEWAY}/logs`;

  // Both rows are written moments after the answer.
  await expect(async () => {
    await page.goto(logs);
    await expect(page.getByRole("row").filter({ has: page.locator(`a[href="${logs}/${answeredLog}"]`) })).toContainText("step 1", { timeout: 1_000 });
  }).toPass({ timeout: 15_000 });
  await screenshotBothThemes(page, testInfo, "logs-steps");

  await page.goto(`${logs}/${requestId}`);
  const attempts = page.getByRole("table").filter({ has: page.getByRole("columnheader", { name: "Attempt" }) });
  await expect(attempts.getByRole("row")).toHaveCount(3);
  const [first, second] = [attempts.getByRole("row").nth(1), attempts.getByRole("row").nth(2)];
  await expect(first).toContainText("(this row)");
  await expect(first).toContainText("503");
  await expect(first).toContainText("fallback · sk-e…CCCC");
  await expect(second).toContainText("200");
  await expect(second).toContainText("fallback · sk-e…CCCC");
  await expect(page.getByText("sk-e2e-attempts-000000000CCCC")).toHaveCount(0);
  await screenshotBothThemes(page, testInfo, "log-attempts");

  await second.getByRole("link", { name: "Step 1, attempt 1: open its log" }).click();
  await expect(page).toHaveURL(new RegExp(`${logs}/${answeredLog}$`));
  await expect(page.getByRole("heading", { level: 1 })).toContainText("step 1");
  await expect(page.getByRole("main")).toContainText("step 1 · attempt 1 (of 2 rows for this request)");
});
