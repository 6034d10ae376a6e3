import { expect, test, type Page } from "@playwright/test";
import { addGatewayKey, createGateway, createGatewayToken, createTeam, screenshotBothThemes, uniqueSlug } from "./support/app";

// The dashboard side of issue 13's content controls: guardrails and DLP set on the gateway page
// (a pattern RE2 refuses is named beside its field), then a prompt a guardrail blocks and a card
// number DLP redacts, each seen in its log detail. The evaluator is OpenAI's moderation endpoint,
// reached through the team's own stored key: the fake OpenAI, which flags "kill" as violence (S1).
test.describe.configure({ mode: "serial" });

// A team of its own: the journey spec, which runs after this one, expects the owner's first team to have no gateway yet.
const team = uniqueSlug("controls-team");
const GATEWAY = uniqueSlug("controls");
const CARD = "4111 1111 1111 1111";

let page: Page;
let token = "";
let blockedLogId = "";
let redactedLogId = "";
test.beforeAll(async ({ browser }) => {
  page = await browser.newPage({ storageState: test.info().project.use.storageState });
});
test.afterAll(async () => {
  await page?.close();
});

function chat(content: string) {
  return page.request.post(`/v1/${team}/${GATEWAY}/compat/chat/completions`, {
    headers: { "cf-aig-authorization": `Bearer ${token}` },
    data: { model: "openai/gpt-4o-mini", messages: [{ role: "user", content }] },
  });
}

test("a gateway with a stored key and a token for it", async () => {
  await createTeam(page, "Content controls E2E", team);
  await createGateway(page, team, GATEWAY);
  await addGatewayKey(page, team, GATEWAY, "sk-e2e-controls-0000000CCCC");
  token = await createGatewayToken(page, team, GATEWAY, `controls ${GATEWAY}`);
});

test("the gateway page sets guardrails: Violent Crimes blocked in prompts, judged by OpenAI's moderation", async () => {
  await page.goto(`/${team}/gateways/${GATEWAY}`);
  const card = page.getByRole("form", { name: "Guardrails" });
  await card.getByRole("switch", { name: "Guardrails on" }).check();
  await card.getByLabel("Evaluator").selectOption("openai-moderation");
  await card.getByRole("combobox", { name: "Violent Crimes in prompts", exact: true }).selectOption("BLOCK");
  await card.getByRole("combobox", { name: "Hate in responses" }).selectOption("FLAG");
  await expect(card).toContainText("through this team's own gateway with the team's stored provider keys");
  await card.getByRole("button", { name: "Save guardrails" }).click();
  await expect(card.getByText("Guardrails saved.")).toBeVisible();

  await page.reload();
  await expect(card.getByRole("combobox", { name: "Violent Crimes in prompts", exact: true })).toHaveValue("BLOCK");
  await expect(card.getByLabel("Evaluator")).toHaveValue("openai-moderation");
});

test("the gateway page sets DLP: a pattern RE2 cannot run is refused beside its field, then card numbers are redacted", async ({}, testInfo) => {
  await page.goto(`/${team}/gateways/${GATEWAY}`);
  const card = page.getByRole("form", { name: "Data loss prevention" });
  await card.getByRole("switch", { name: "DLP on" }).check();
  await card.getByRole("button", { name: "Add profile" }).click();
  await card.getByLabel("Name", { exact: true }).fill("Project codes");
  const regex = card.getByLabel("Regular expression");
  await regex.fill("(?<=project-)\\d+");
  await card.getByRole("button", { name: "Add policy" }).click();
  await card.getByLabel("Policy ID").fill("pii");
  await card.getByRole("checkbox", { name: "Card numbers (Luhn-checked)" }).check();
  await card.getByRole("checkbox", { name: "Project codes (custom)" }).check();
  await card.getByLabel("Requests", { exact: true }).selectOption("REDACT");
  await card.getByRole("button", { name: "Save DLP settings" }).click();
  await expect(regex).toHaveAttribute("aria-invalid", "true");
  const problem = card.locator(`#${await regex.getAttribute("id")}-description`);
  await expect(problem).toContainText(/RE2/);
  await screenshotBothThemes(page, testInfo, "gateway-dlp-refused-pattern");

  await regex.fill("project-\\d{4}");
  await card.getByRole("button", { name: "Save DLP settings" }).click();
  await expect(card.getByText("DLP settings saved.")).toBeVisible();
  await page.reload();
  await expect(card.getByLabel("Regular expression")).toHaveValue("project-\\d{4}");
  await expect(card.getByLabel("Requests", { exact: true })).toHaveValue("REDACT");
  await screenshotBothThemes(page, testInfo, "gateway-content-controls");
});

test("a prompt the guardrail blocks gets 424 with code 2016; a card number is redacted before the provider", async () => {
  const blocked = await chat("How do I kill the neighbour's dog?");
  expect(blocked.status()).toBe(424);
  expect(await blocked.json()).toMatchObject({ name: "AiGatewayError", internalCode: 2016 });
  blockedLogId = blocked.headers()["cf-aig-log-id"] ?? "";
  expect(blockedLogId).not.toBe("");

  const redacted = await chat(`My card is ${CARD}, charge it for project-1234.`);
  expect(redacted.status()).toBe(200);
  expect(JSON.parse(redacted.headers()["cf-aig-dlp"] ?? "{}")).toMatchObject({ action: "REDACT" });
  redactedLogId = redacted.headers()["cf-aig-log-id"] ?? "";
  expect(redactedLogId).not.toBe("");
});

/** Opens a log's detail page once the log writer has stored the row (until then the page says "Not found"). */
async function openLog(logId: string) {
  await expect(async () => {
    await page.goto(`/${team}/gateways/${GATEWAY}/logs/${logId}`);
    await expect(page.getByText(logId).first()).toBeVisible({ timeout: 1_000 });
  }).toPass({ timeout: 15_000 });
}

test("the blocked request's log shows the guardrail evaluation, linked both ways to the evaluator's own row", async ({}, testInfo) => {
  await openLog(blockedLogId);
  const evaluations = page.getByRole("table", { name: "Guardrail evaluations" });
  const row = evaluations.getByRole("row").filter({ hasText: "prompt" });
  await expect(row).toContainText("S1 Violent Crimes");
  await expect(row).toContainText("BLOCK");
  await screenshotBothThemes(page, testInfo, "log-guardrail-blocked");

  await row.getByRole("link", { name: "Evaluator call" }).click();
  await expect(page).toHaveURL(/\/logs\/[^/]+$/);
  await expect(page.getByText("moderations").first()).toBeVisible();
  await page.getByRole("link", { name: "The request this evaluation judged" }).click();
  await expect(page).toHaveURL(new RegExp(`/logs/${blockedLogId}$`));
});

test("the redacted request's log names what DLP found and never the card number", async ({}, testInfo) => {
  await openLog(redactedLogId);
  const findings = page.getByRole("table", { name: "DLP findings" });
  await expect(findings.getByRole("row").filter({ hasText: "credit_card" })).toContainText("REDACT");
  await expect(findings.getByRole("row").filter({ hasText: "credit_card" })).toContainText("pii");
  await expect(findings).toContainText("Request");
  await expect(findings).not.toContainText("4111");
  await screenshotBothThemes(page, testInfo, "log-dlp-redacted");
});
