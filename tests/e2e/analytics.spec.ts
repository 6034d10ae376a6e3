import { spawn, type ChildProcess } from "node:child_process";
import { createServer } from "node:net";
import { expect, test, type Page } from "@playwright/test";
import { ANALYST } from "./support/analyst";
import { addGatewayKey, createGatewayToken, screenshotBothThemes, signIn } from "./support/app";

// The analytics run on a server of their own (support/analytics-server.ts), seeded with a week of
// mixed traffic over 2 gateways, 3 models and 2 tokens, errors and cache hits, before it starts.
test.describe.configure({ mode: "serial" });

const team = ANALYST.team;
let server: ChildProcess | undefined;
let page: Page;

async function freePort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, "127.0.0.1", resolve));
  const { port } = probe.address() as { port: number };
  await new Promise((resolve) => probe.close(resolve));
  return port;
}

test.beforeAll(async ({ browser }) => {
  test.setTimeout(300_000);
  const port = await freePort();
  const baseURL = `http://127.0.0.1:${port}`;
  server = spawn(process.execPath, ["--import", "tsx", "tests/e2e/support/analytics-server.ts"], {
    env: { ...process.env, PORT: String(port), SWITCHYARD_PUBLIC_URL: baseURL },
    stdio: ["ignore", "pipe", "inherit"],
  });
  await new Promise<void>((resolve, reject) => {
    server!.stdout!.on("data", (chunk: Buffer) => {
      if (chunk.toString().includes("seeded: ")) resolve();
    });
    server!.on("exit", (code) => reject(new Error(`the analytics server exited (${code}) before it was seeded`)));
  });
  await expect(async () => {
    expect((await fetch(`${baseURL}/api/health`)).status).toBe(200);
  }).toPass({ timeout: 120_000 });
  // Not the owner's session of the main server: cookies go by host, whatever the port.
  page = await browser.newPage({ baseURL, storageState: { cookies: [], origins: [] } });
  await signIn(page, ANALYST.email, ANALYST.password);
});
test.afterAll(async () => {
  await page?.close();
  server?.kill("SIGTERM");
});

test("live requests through the gateway land in the analytics beside the seeded ones", async () => {
  await addGatewayKey(page, team, "chat", "sk-e2e-analytics-00000AAAA");
  const token = await createGatewayToken(page, team, "chat", "live token");
  for (const model of ["openai/gpt-4o-mini", "openai/gpt-4o"]) {
    const answer = await page.request.post(`/v1/${team}/chat/compat/chat/completions`, {
      headers: { "cf-aig-authorization": `Bearer ${token}` },
      data: { model, messages: [{ role: "user", content: "Hello analytics" }] },
    });
    expect(answer.status()).toBe(200);
  }
  const refused = await page.request.post(`/v1/${team}/chat/compat/chat/completions`, {
    headers: { "cf-aig-authorization": "Bearer sy_not-a-token" },
    data: { model: "openai/gpt-4o-mini", messages: [{ role: "user", content: "Hello" }] },
  });
  expect(refused.status()).toBe(401);

  // The log writer batches; the page shows the live token's row once its rows are written.
  await expect(async () => {
    await page.goto(`/${team}?range=1h`);
    await page.getByRole("tab", { name: "Token" }).click();
    await expect(page.getByRole("table", { name: "By token" }).getByRole("row", { name: /live token/ })).toBeVisible({ timeout: 2_000 });
  }).toPass({ timeout: 30_000 });
});

test("the team's analytics over 24 hours: totals, charts, and requests, tokens, cost, cache and latency by gateway, model and token", async ({}, testInfo) => {
  await page.goto(`/${team}`);
  await expect(page.getByRole("link", { name: "24h" })).toHaveAttribute("aria-current", "page");
  const totals = page.getByRole("region", { name: "Totals" });
  for (const label of ["Requests", "Tokens", "Cost", "Errors", "Latency p95"]) await expect(totals.getByText(label, { exact: true })).toBeVisible();
  await expect(totals).toContainText(/from cache/);
  for (const chart of ["Requests by outcome", "Tokens", "Cost", "Cache hit rate", "Latency, total", "Latency, time to first byte"]) {
    await expect(page.getByRole("figure", { name: chart }).locator(".recharts-surface").first()).toBeVisible();
  }

  const byGateway = page.getByRole("table", { name: "By gateway" });
  for (const gateway of ["chat", "batch", "no gateway"]) await expect(byGateway.getByRole("row", { name: new RegExp(`^${gateway}`) })).toBeVisible();
  await expect(byGateway.getByRole("img", { name: "chat: requests over the range" })).toBeVisible();

  await page.getByRole("tab", { name: "Model" }).click();
  const byModel = page.getByRole("table", { name: "By model" });
  for (const model of ["openai/gpt-4o-mini", "openai/gpt-4o", "openai/o3-mini"]) await expect(byModel.getByRole("cell", { name: model, exact: true })).toBeVisible();
  // Sorted by cost, most expensive first: gpt-4o costs three times as much per input token.
  await byModel.getByRole("button", { name: "Cost" }).click();
  await expect(byModel.getByRole("columnheader", { name: "Cost" })).toHaveAttribute("aria-sort", "descending");
  await expect(byModel.getByRole("row").nth(1).getByRole("cell").first()).toHaveText("openai/gpt-4o");

  await page.getByRole("tab", { name: "Token" }).click();
  const byToken = page.getByRole("table", { name: "By token" });
  for (const token of ["web app", "nightly job", "live token"]) await expect(byToken.getByRole("row", { name: new RegExp(token) })).toBeVisible();
  await expect(byToken).not.toContainText("tok_");
  await page.getByRole("tab", { name: "Gateway" }).click();
  await screenshotBothThemes(page, testInfo, "analytics-team-24h");
});

test("7 days in hour buckets, and one gateway's analytics from its row", async ({}, testInfo) => {
  await page.goto(`/${team}`);
  await page.getByRole("link", { name: "7d" }).click();
  await expect(page).toHaveURL(/range=7d/);
  await expect(page.getByText("one point per hour")).toBeVisible();
  await expect(page.getByRole("table", { name: "By gateway" }).getByRole("row", { name: /^batch/ })).toBeVisible();
  await screenshotBothThemes(page, testInfo, "analytics-team-7d");

  await page.getByRole("table", { name: "By gateway" }).getByRole("link", { name: "chat" }).click();
  await expect(page).toHaveURL(new RegExp(`/${team}/gateways/chat/analytics\\?range=7d`));
  await expect(page.getByRole("heading", { name: "Analytics", level: 1 })).toBeVisible();
  await expect(page.getByRole("tab", { name: "Gateway" })).toHaveCount(0);
  await page.getByRole("tab", { name: "Model" }).click();
  await expect(page.getByRole("table", { name: "By model" }).getByRole("cell", { name: "openai/o3-mini", exact: true })).toBeVisible();
  await screenshotBothThemes(page, testInfo, "analytics-gateway-7d");
});

test("a bad custom range says what to fix; the team's display precision shows in every amount", async () => {
  await page.goto(`/${team}?range=custom&from=yesterday&to=2026-01-01`);
  await expect(page.getByRole("alert").filter({ hasText: "from:" })).toContainText('from: expected an ISO date such as 2026-11-22T10:00Z, got "yesterday"');

  await page.goto(`/${team}/settings`);
  const precision = page.getByLabel("Decimal places for money");
  await precision.selectOption("5");
  // The settings page has a Save per card: this one is in the precision's own form.
  const moneyForm = page.locator("form").filter({ has: precision });
  await moneyForm.getByRole("button", { name: "Save" }).click();
  await expect(moneyForm.getByText("Saved.")).toBeVisible();
  await page.goto(`/${team}?range=7d`);
  await expect(page.getByRole("region", { name: "Totals" }).getByText(/^\$[\d,]+\.\d{5}$/)).toBeVisible();
});

test("an admin chooses a metadata key; requests logged after it break down by its values on the team's and the gateway's page", async ({}, testInfo) => {
  await page.goto(`/${team}/settings`);
  const keys = page.getByLabel("Metadata keys to break down by");
  await expect(page.getByText(/Only requests logged after a key is chosen are counted under it/)).toBeVisible();
  await expect(page.getByText(/a key with many values \(user ids, say\) makes many rows/)).toBeVisible();
  await keys.fill("plan");
  const metadataForm = page.locator("form").filter({ has: keys });
  await metadataForm.getByRole("button", { name: "Save" }).click();
  await expect(metadataForm.getByText("Saved: analytics break down by plan from now on.")).toBeVisible();
  await metadataForm.scrollIntoViewIfNeeded();
  await screenshotBothThemes(page, testInfo, "settings-analytics-metadata");

  const token = await createGatewayToken(page, team, "chat", "plan token");
  for (const metadata of [{ plan: "pro" }, { plan: "pro" }, { plan: "free" }, null]) {
    const answer = await page.request.post(`/v1/${team}/chat/compat/chat/completions`, {
      headers: { "cf-aig-authorization": `Bearer ${token}`, ...(metadata && { "cf-aig-metadata": JSON.stringify(metadata) }) },
      data: { model: "openai/gpt-4o-mini", messages: [{ role: "user", content: "Hello plans" }] },
    });
    expect(answer.status()).toBe(200);
  }

  const byPlan = page.getByRole("table", { name: "By plan (metadata)" });
  await expect(async () => {
    await page.goto(`/${team}?range=1h`);
    await page.getByRole("tab", { name: "plan (metadata)" }).click();
    await expect(byPlan.getByRole("row", { name: /^pro/ })).toBeVisible({ timeout: 2_000 });
  }).toPass({ timeout: 30_000 });
  await expect(page).toHaveURL(/by=metadata\.plan/);
  await expect(byPlan.getByRole("row", { name: /^free/ })).toBeVisible();
  // The other requests of the hour (the earlier tests' live ones, this one without metadata).
  await expect(byPlan.getByRole("row", { name: /^no value/ })).toBeVisible();
  await expect(byPlan.getByRole("img", { name: "pro: requests over the range" })).toBeVisible();
  await screenshotBothThemes(page, testInfo, "analytics-team-by-metadata");

  await page.goto(`/${team}/gateways/chat/analytics?range=1h&by=metadata.plan`);
  await expect(page.getByRole("tab", { name: "plan (metadata)" })).toHaveAttribute("aria-selected", "true");
  await expect(byPlan.getByRole("row", { name: /^pro/ })).toBeVisible();
});
