import { expect, test, type Page } from "@playwright/test";
import { percentageBucket } from "@/lib/routes/percentage";
import { addGatewayKey, createGateway, createGatewayToken, openDialog, OWNER, screenshotBothThemes, uniqueSlug } from "./support/app";

// Issue 13 as a new user tries it: a route built in the dashboard (free plan → a cheap model; the
// rest 90/10 over two models; the main model falling back to the cheap one), seen as a diagram,
// tried in the tester, deployed, called as model "dynamic/support", changed, and rolled back.
test.describe.configure({ mode: "serial" });

const team = OWNER.team;
const GATEWAY = uniqueSlug("routes");

/** A cf-aig-event-id whose bucket at the "split" element is in its 90% (true) or its else (false). */
function eventIdFor(main: boolean): string {
  for (let i = 0; ; i++) {
    const id = `e2e-${i}`;
    if (percentageBucket(id, "split") < 90 === main) return id;
  }
}

let page: Page;
let token = "";
test.beforeAll(async ({ browser }) => {
  page = await browser.newPage({ storageState: test.info().project.use.storageState });
});
test.afterAll(async () => {
  await page?.close();
});

async function callSupport(plan: string, eventId = eventIdFor(true)) {
  const answer = await page.request.post(`/v1/${team}/${GATEWAY}/compat/chat/completions`, {
    headers: { "cf-aig-authorization": `Bearer ${token}`, "cf-aig-metadata": JSON.stringify({ plan }), "cf-aig-event-id": eventId },
    data: { model: "dynamic/support", messages: [{ role: "user", content: "Hello" }] },
  });
  return answer;
}

test("a gateway with a stored key and a token", async () => {
  await createGateway(page, team, GATEWAY);
  await addGatewayKey(page, team, GATEWAY, "sk-e2e-routes-00000000RRRR");
  token = await createGatewayToken(page, team, GATEWAY, `routes ${GATEWAY}`);
});

test("a new route from the template, shown as a diagram", async ({}, testInfo) => {
  await page.goto(`/${team}/gateways/${GATEWAY}`);
  await page.getByRole("link", { name: "Routes" }).click();
  await expect(page.getByRole("heading", { name: "Dynamic routes" })).toBeVisible();
  await expect(page.getByText("No routes yet")).toBeVisible();

  const create = await openDialog(page, "New route", "New route");
  await create.getByLabel("Route name").fill("Support");
  await create.getByRole("button", { name: "Create route" }).click();
  await expect(create.getByText(/Use 1–64 lowercase letters/)).toBeVisible();
  await create.getByLabel("Route name").fill("support");
  await create.getByRole("button", { name: "Create route" }).click();
  await expect(page).toHaveURL(new RegExp(`/${team}/gateways/${GATEWAY}/routes/support$`));

  const graph = page.getByTestId("route-graph");
  for (const element of ["start", "plan", "split", "main", "challenger", "cheap", "end"]) {
    await expect(graph.getByTestId(`route-node-${element}`)).toBeVisible();
  }
  await expect(graph.getByTestId("route-node-cheap")).toContainText("openai/gpt-4o-mini");
  for (const label of ["true", "false", "90%", "else", "fallback"]) await expect(graph.getByText(label, { exact: true }).first()).toBeVisible();
  await expect(page.getByTestId("route-check")).toHaveText("Valid: this route can be deployed.");
  await expect(page.getByTestId("route-version-1")).toContainText("valid");
  await screenshotBothThemes(page, testInfo, "route-editor");
});

test("the editor names what is wrong as it is typed", async () => {
  const editor = page.getByLabel("Route elements (JSON)");
  const original = await editor.inputValue();
  await editor.fill(original.replace('"$eq": "free"', '"$like": "free"'));
  await expect(page.getByTestId("route-check")).toContainText('element "plan" properties.conditions');
  await editor.fill(original.replace('"elementId": "challenger"', '"elementId": "nowhere"'));
  await expect(page.getByTestId("route-check")).toContainText('element "split" outputs.else: leads to "nowhere"');
  await expect(page.getByTestId("route-check")).toContainText('no path from the start element reaches "challenger"');
  await editor.fill(original);
  await expect(page.getByTestId("route-check")).toHaveText("Valid: this route can be deployed.");
});

test("the tester shows the path and the model, and what a failing model falls back to", async ({}, testInfo) => {
  await page.getByLabel("Metadata (cf-aig-metadata, JSON)").fill('{ "plan": "free" }');
  await page.getByRole("button", { name: "Test route" }).click();
  const result = page.getByTestId("tester-result");
  await expect(result).toContainText("Would call openai/gpt-4o-mini (element cheap)");
  await expect(page.getByTestId("route-node-cheap")).toHaveAttribute("data-on-path", "true");
  await expect(page.getByTestId("route-node-split")).not.toHaveAttribute("data-on-path", "true");

  await page.getByLabel("Metadata (cf-aig-metadata, JSON)").fill('{ "plan": "pro" }');
  await page.getByLabel("Headers (name: value per line)").fill(`cf-aig-event-id: ${eventIdFor(true)}`);
  await page.getByRole("button", { name: "Test route" }).click();
  await expect(result).toContainText("Would call openai/gpt-4o (element main)");
  await page.getByRole("switch", { name: "Assume model main fails" }).check();
  await page.getByRole("button", { name: "Test route" }).click();
  await expect(result).toContainText("Would call openai/gpt-4o-mini (element cheap)");
  await expect(result).toContainText("main → fallback");
  await expect(page.getByTestId("route-node-main")).toHaveAttribute("data-on-path", "true");
  await screenshotBothThemes(page, testInfo, "route-tester");
});

test("deployed, dynamic/support answers with the route's model and headers", async () => {
  // Not deployed yet: refused.
  expect((await callSupport("free")).status()).toBeGreaterThanOrEqual(400);
  await page.getByRole("button", { name: "Deploy version 1" }).click();
  await expect(page.getByTestId("route-version-1")).toContainText("deployed");

  const free = await callSupport("free");
  expect(free.status()).toBe(200);
  expect(free.headers()).toMatchObject({ "cf-aig-model": "gpt-4o-mini", "cf-aig-provider": "openai", "cf-aig-route": "support", "cf-aig-route-version": "1" });
  const pro = await callSupport("pro");
  expect(pro.headers()["cf-aig-model"]).toBe("gpt-4o");
  const challenger = await callSupport("pro", eventIdFor(false));
  expect(challenger.headers()["cf-aig-model"]).toBe("gpt-4.1");
});

test("version 2 makes the main model fail; its fallback answers; rolling back restores version 1", async ({}, testInfo) => {
  const editor = page.getByLabel("Route elements (JSON)");
  // The fake provider answers the model "fake-error-500" with HTTP 500.
  await editor.fill((await editor.inputValue()).replace('"model": "gpt-4o",', '"model": "fake-error-500",'));
  await page.getByRole("button", { name: "Save as new version" }).click();
  await expect(page.getByText("Saved version 2. Deploy it to serve traffic.")).toBeVisible();
  await page.getByRole("button", { name: "Deploy version 2" }).click();
  await expect(page.getByTestId("route-version-2")).toContainText("deployed");
  await expect(page.getByTestId("route-version-1")).not.toContainText("deployed");

  const fellBack = await callSupport("pro");
  expect(fellBack.status()).toBe(200);
  expect(fellBack.headers()).toMatchObject({ "cf-aig-model": "gpt-4o-mini", "cf-aig-route-version": "2" });
  await screenshotBothThemes(page, testInfo, "route-versions");

  await page.getByRole("button", { name: "Roll back to version 1" }).click();
  await expect(page.getByTestId("route-version-1")).toContainText("deployed");
  const restored = await callSupport("pro");
  expect(restored.headers()).toMatchObject({ "cf-aig-model": "gpt-4o", "cf-aig-route-version": "1" });

  await page.goto(`/${team}/gateways/${GATEWAY}/routes`);
  await expect(page.getByRole("row").filter({ hasText: "dynamic/support" })).toContainText("v1");
});
