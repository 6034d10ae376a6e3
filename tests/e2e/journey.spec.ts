import { expect, test, type Page } from "@playwright/test";
import { costMicros } from "../../lib/pricing/cost";
import { formatCost } from "../../lib/utils/format";
import { fakeProviderUrl, openDialog, OWNER, screenshotBothThemes } from "./support/app";

// The main path as a new owner walks it: gateway → token → key → a streamed answer in the
// playground → its log row and payload. One page for the whole walk, each step starting where
// the last one left off.
test.describe.configure({ mode: "serial" });

const team = OWNER.team;
const GATEWAY = "main";
const PROMPT = "Say hello to the end-to-end test.";
const MODEL = "openai/gpt-4o-mini";
/** What the fake provider answers every completion with, and the usage it reports (tests/fake-providers/openai.ts). */
const FAKE_ANSWER = "Hello from the fake provider, streamed word by word.";
const FAKE_USAGE = { input: 21, output: 7, cached: 5 };
const EXPECTED_COST = formatCost(costMicros("openai", "gpt-4o-mini", FAKE_USAGE).micros);

let page: Page;
let token = "";
let logPath = "";
/** What Chromium reports refusing under the pages' Content-Security-Policy, over the whole walk. */
const cspViolations: string[] = [];

test.beforeAll(async ({ browser }) => {
  page = await browser.newPage({ storageState: test.info().project.use.storageState });
  page.on("console", (message) => {
    if (message.text().includes("Content Security Policy")) cspViolations.push(`${page.url()}: ${message.text()}`);
  });
});
test.afterAll(async () => {
  await page?.close();
});

test("the overview of a new team", async ({}, testInfo) => {
  await page.goto(`/${team}`);
  await expect(page.getByRole("heading", { level: 1 })).toBeVisible();
  await screenshotBothThemes(page, testInfo, "overview-new-team");
});

test("the playground first says what is missing: a gateway", async () => {
  await page.goto(`/${team}/playground`);
  await expect(page.getByRole("heading", { name: "Playground", level: 1 })).toBeVisible();
  await expect(page.getByText("No gateway yet")).toBeVisible();
  await expect(page.getByRole("link", { name: "Create a gateway" })).toHaveAttribute("href", `/${team}/gateways`);
});

test("create a gateway", async ({}, testInfo) => {
  await page.goto(`/${team}/gateways`);
  await expect(page.getByText("No gateways yet")).toBeVisible();
  await screenshotBothThemes(page, testInfo, "gateways-empty");
  const dialog = await openDialog(page, "Create gateway", "Create a gateway");
  await dialog.getByLabel("Gateway ID").fill(GATEWAY);
  await expect(dialog.getByRole("switch", { name: "Authenticated gateway" })).toBeChecked();
  await dialog.getByRole("button", { name: "Create gateway" }).click();

  await expect(page).toHaveURL(new RegExp(`/${team}/gateways/${GATEWAY}$`));
  await expect(page.getByRole("heading", { level: 1 })).toContainText(GATEWAY);
  await expect(page.getByText(`/v1/${team}/${GATEWAY}/compat`).first()).toBeVisible();
  await screenshotBothThemes(page, testInfo, "gateway");

  await page.goto(`/${team}/gateways`);
  await expect(page.getByRole("link", { name: GATEWAY, exact: true })).toBeVisible();
  await screenshotBothThemes(page, testInfo, "gateways");
});

test("the playground then asks for a provider key", async () => {
  await page.goto(`/${team}/playground`);
  await expect(page.getByText("Add a provider key to start chatting")).toBeVisible();
  await expect(page.getByRole("link", { name: "Add a provider key" })).toHaveAttribute("href", `/${team}/keys`);
});

test("create a gateway token, shown once", async ({}, testInfo) => {
  await page.goto(`/${team}/tokens`);
  const dialog = await openDialog(page, "Create token", "Create a gateway token");
  await dialog.getByLabel("Name").fill("e2e app");
  await dialog.getByRole("checkbox", { name: GATEWAY }).check();
  await dialog.getByRole("button", { name: "Create token" }).click();

  await expect(dialog.getByText("Copy this token now")).toBeVisible();
  token = (await dialog.getByTestId("new-token").textContent())?.trim() ?? "";
  expect(token).toMatch(/^sy_[A-Za-z0-9_-]{43}$/);
  await screenshotBothThemes(page, testInfo, "token-created");
  await dialog.getByRole("button", { name: "Done" }).click();

  const row = page.getByRole("row").filter({ hasText: "e2e app" });
  await expect(row).toBeVisible();
  // Listed by its prefix and last four characters, never in full.
  await expect(row).toContainText(token.slice(-4));
  await expect(page.getByText(token)).toHaveCount(0);
  await screenshotBothThemes(page, testInfo, "tokens");
});

test("add a team-wide OpenAI key whose base URL is the fake provider", async ({}, testInfo) => {
  await page.goto(`/${team}/keys`);
  await expect(page.getByText("No provider keys yet")).toBeVisible();
  const dialog = await openDialog(page, "Add key", "Add a provider key");
  await dialog.getByLabel("Provider").selectOption("openai");
  await dialog.getByLabel("Used by").selectOption("");
  await dialog.getByLabel("API key").fill("sk-e2e-fake-provider-0123456789");
  await dialog.getByLabel(/^Base URL/).fill(fakeProviderUrl());
  await dialog.getByRole("button", { name: "Add key" }).click();
  await expect(dialog).toBeHidden();

  const row = page.getByRole("row").filter({ hasText: "OpenAI" });
  await expect(row).toContainText("Team-wide");
  await expect(row).toContainText(fakeProviderUrl());
  // Masked: the first and last four characters only.
  await expect(row).toContainText("sk-e…6789");
  await expect(page.getByText("sk-e2e-fake-provider-0123456789")).toHaveCount(0);
  await screenshotBothThemes(page, testInfo, "keys");
});

test("an application can call the gateway with the new token", async ({ request }) => {
  const res = await request.post(`/v1/${team}/${GATEWAY}/compat/chat/completions`, {
    headers: { authorization: `Bearer ${token}` },
    data: { model: MODEL, messages: [{ role: "user", content: "From an application." }] },
  });
  expect(res.status()).toBe(200);
  expect((await res.json()).choices[0].message.content).toBe(FAKE_ANSWER);
  expect(res.headers()["cf-aig-log-id"]).toBeTruthy();
});

test("the playground streams an answer with its model, tokens, cost, timing and log link", async ({}, testInfo) => {
  await page.goto(`/${team}/playground`);
  await expect(page.getByText("Send a message to start.")).toBeVisible();
  await page.getByLabel("Gateway").selectOption(GATEWAY);
  await page.getByLabel("Model", { exact: true }).selectOption(MODEL);
  await page.getByLabel("System prompt").fill("Answer in one short sentence.");
  await page.getByLabel(/^Temperature/).fill("0.2");
  await page.getByLabel("Max tokens").fill("256");

  await page.getByRole("textbox", { name: "Message" }).fill(PROMPT);
  await page.getByRole("textbox", { name: "Message" }).press("Enter");

  const conversation = page.getByRole("log", { name: "Conversation" });
  await expect(conversation.getByRole("article", { name: "Your message" })).toHaveText(PROMPT);
  const answer = conversation.getByRole("article", { name: "Answer" }).last();
  await expect(answer).toContainText(FAKE_ANSWER);
  const details = answer.getByRole("definition");
  const facts = answer.locator("dl[aria-label='Answer details']");
  await expect(facts).toContainText(MODEL);
  await expect(facts).toContainText(`Tokens${FAKE_USAGE.input} in · ${FAKE_USAGE.output} out`);
  await expect(facts).toContainText(`Cost${EXPECTED_COST}`);
  await expect(facts).toContainText(/TTFT\d+(\.\d+)? m?s/);
  await expect(facts).toContainText(/Total\d+(\.\d+)? m?s/);
  expect(await details.count()).toBeGreaterThan(4);

  const logLink = answer.getByRole("link", { name: "View log" });
  logPath = (await logLink.getAttribute("href")) ?? "";
  expect(logPath).toMatch(new RegExp(`^/${team}/gateways/${GATEWAY}/logs/[0-9a-f-]{36}$`));
  await screenshotBothThemes(page, testInfo, "playground");
});

test("answers stream in piece by piece", async () => {
  // The fake's `fake-slow-<events>-<ms>` model streams `word0 … word9` 150 ms apart. A
  // MutationObserver in the page records every text the answer showed, so the test sees the
  // intermediate states however fast or slow it polls.
  await page.getByLabel("Model", { exact: true }).selectOption("__custom__");
  await page.getByLabel("Model id").fill("openai/fake-slow-10-150");
  await page.evaluate(() => {
    const seen: string[] = [];
    (window as unknown as { answerTexts: string[] }).answerTexts = seen;
    const log = document.querySelector("[role=log]")!;
    new MutationObserver(() => {
      const answers = log.querySelectorAll("article[aria-label=Answer]");
      const text = answers[answers.length - 1]?.firstElementChild?.textContent ?? "";
      if (text.startsWith("word") && seen.at(-1) !== text) seen.push(text);
    }).observe(log, { subtree: true, childList: true, characterData: true });
  });
  await page.getByRole("textbox", { name: "Message" }).fill("Count to ten, slowly.");
  await page.getByRole("button", { name: "Send" }).click();

  const answer = page.getByRole("log", { name: "Conversation" }).getByRole("article", { name: "Answer" }).last();
  await expect(answer).toContainText("word9");
  const seen = await page.evaluate(() => (window as unknown as { answerTexts: string[] }).answerTexts);
  expect(seen.length).toBeGreaterThan(2);
  expect(seen.some((text) => text.includes("word0") && !text.includes("word9"))).toBe(true);
  // A model the price list does not know gets no invented price.
  await expect(answer.locator("dl[aria-label='Answer details']")).toContainText("not in the price list");
});

test("the conversation and settings survive a reload", async () => {
  await page.reload();
  const conversation = page.getByRole("log", { name: "Conversation" });
  await expect(conversation.getByRole("article", { name: "Answer" })).toHaveCount(2);
  await expect(conversation.getByRole("article", { name: "Answer" }).first()).toContainText(FAKE_ANSWER);
  await expect(conversation.getByRole("article", { name: "Answer" }).first()).toContainText(`Cost${EXPECTED_COST}`);
  await expect(page.getByLabel("System prompt")).toHaveValue("Answer in one short sentence.");
  await expect(page.getByLabel("Model id")).toHaveValue("openai/fake-slow-10-150");
  await expect(page.getByLabel("Max tokens")).toHaveValue("256");
});

test("the answer's log row has its tokens, cost and payload", async ({}, testInfo) => {
  // The log row is written moments after the stream ends (the queue flushes every 250 ms).
  await expect(async () => {
    const res = await page.goto(logPath);
    expect(res?.status()).toBe(200);
  }).toPass({ timeout: 15_000 });
  await expect(page.getByRole("heading", { level: 1 })).toBeVisible();
  const main = page.getByRole("main");
  await expect(main).toContainText("gpt-4o-mini");
  // The format the playground spoke (through compat), beside provider and model; not translated for OpenAI.
  await expect(main).toContainText("Client formatOpenAI Chat Completions");
  await expect(main).not.toContainText("Sent to provider as");
  await expect(main).toContainText(EXPECTED_COST);
  await expect(main).toContainText(PROMPT);
  await expect(main).toContainText("Answer in one short sentence.");
  // The streamed response, reassembled.
  await expect(main).toContainText(FAKE_ANSWER);
  await expect(main).not.toContainText(token);
  await screenshotBothThemes(page, testInfo, "log-detail");
});

test("the request appears in the gateway's logs with tokens and cost", async ({}, testInfo) => {
  await page.goto(`/${team}/gateways/${GATEWAY}/logs`);
  const row = page.getByRole("row").filter({ has: page.locator(`a[href="${logPath}"]`) });
  await expect(row).toBeVisible();
  await expect(row).toContainText("gpt-4o-mini");
  await expect(row).toContainText("OpenAI Chat Completions");
  await expect(row).toContainText(String(FAKE_USAGE.input));
  await expect(row).toContainText(String(FAKE_USAGE.output));
  await expect(row).toContainText(EXPECTED_COST);
  await screenshotBothThemes(page, testInfo, "logs");
});

test("the overview, members and settings pages", async ({}, testInfo) => {
  await page.goto(`/${team}`);
  await expect(page.getByRole("heading", { level: 1 })).toBeVisible();
  // The page renders the breakdown its tab asks for (by gateway first); the model tab is a link.
  await page.getByRole("tab", { name: "Model" }).click();
  await expect(page.getByRole("table", { name: "By model" })).toContainText("gpt-4o-mini");
  await screenshotBothThemes(page, testInfo, "overview");
  await page.goto(`/${team}/members`);
  // The owner's own row: other specs leave invitations in this team, whose rows name the owner who made them.
  await expect(page.getByRole("row").filter({ has: page.getByRole("cell", { name: `${OWNER.name} you ${OWNER.email}` }) })).toBeVisible();
  await screenshotBothThemes(page, testInfo, "members");
  await page.goto(`/${team}/settings`);
  await expect(page.getByRole("heading", { level: 1 })).toBeVisible();
  await screenshotBothThemes(page, testInfo, "settings");
});

test("no page of the walk, the streaming playground included, ran into its Content-Security-Policy", () => {
  expect(cspViolations).toEqual([]);
});
