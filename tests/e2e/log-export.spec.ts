import { execFile } from "node:child_process";
import { readFileSync } from "node:fs";
import { promisify } from "node:util";
import { expect, test, type Download, type Page } from "@playwright/test";
import { createTeam, uniqueSlug } from "./support/app";

// An export of a big team's logs, as the browser downloads it: 100,000 rows written straight into
// the server's database (support/seed-logs.ts; the gateway would take many minutes), then the log
// page's CSV and JSON Lines links, each of which must hold every row once.
test.describe.configure({ mode: "serial" });

const ROWS = 100_000;
const COLUMNS =
  "id,created_at,gateway,path,method,status_code,success,error_code,error_message,provider,model,token,stream,cached,tokens_in,tokens_out,tokens_cached,cost_usd,duration_ms,ttfb_ms,feedback,score,event_id,request_id,metadata";
const team = uniqueSlug("export");

let page: Page;
test.beforeAll(async ({ browser }) => {
  page = await browser.newPage({ storageState: test.info().project.use.storageState });
});
test.afterAll(async () => {
  await page?.close();
});

/** Clicks the export link `name` and returns the downloaded file's text. */
async function download(name: string): Promise<{ file: Download; text: string }> {
  const [file] = await Promise.all([page.waitForEvent("download"), page.getByRole("link", { name, exact: true }).click()]);
  const saved = await file.path();
  expect(await file.failure()).toBeNull();
  return { file, text: readFileSync(saved, "utf8") };
}

test(`a team with ${ROWS.toLocaleString("en")} log rows`, async () => {
  test.setTimeout(120_000);
  await createTeam(page, `Export ${team}`, team);
  const { stdout } = await promisify(execFile)(process.execPath, ["--import", "tsx", "tests/e2e/support/seed-logs.ts", team, String(ROWS)], { env: process.env });
  expect(stdout).toContain(`seeded: {"rows":${ROWS},`);
  await page.goto(`/${team}/logs`);
  await expect(page.getByTestId("log-count")).toHaveText("More than 10,000 requests");
});

test("the CSV export downloads every row once, under the header", async () => {
  const { file, text } = await download("CSV");
  expect(file.suggestedFilename()).toMatch(new RegExp(`^${team}-logs-.*\\.csv$`));
  const lines = text.split("\r\n");
  expect(lines.pop()).toBe("");
  expect(lines[0]).toBe(COLUMNS);
  expect(lines).toHaveLength(ROWS + 1);
  // Every row's id once: the export's batches neither repeat nor skip a row where they meet.
  const ids = new Set(lines.slice(1).map((line) => line.slice(0, line.indexOf(","))));
  expect(ids.size).toBe(ROWS);
  expect([...ids].every((id) => /^[0-9a-f-]{36}$/.test(id))).toBe(true);
  expect(lines[1]).toMatch(/^[0-9a-f-]{36},\d{4}-\d\d-\d\dT[\d:.]+Z,(prod|staging|batch)?,\/compat\/chat\/completions,POST,\d{3},(true|false),/);
});

test("the JSON Lines export downloads every row once, newest first", async () => {
  const { file, text } = await download("JSON Lines");
  expect(file.suggestedFilename()).toMatch(new RegExp(`^${team}-logs-.*\\.jsonl$`));
  const records = text
    .trimEnd()
    .split("\n")
    .map((line) => JSON.parse(line) as Record<string, unknown>);
  expect(records).toHaveLength(ROWS);
  expect(Object.keys(records[0]!).join(",")).toBe(COLUMNS);
  expect(new Set(records.map((record) => record.id)).size).toBe(ROWS);
  const times = records.map((record) => Date.parse(record.created_at as string));
  expect(times.every((time, i) => i === 0 || time <= times[i - 1]!)).toBe(true);
  expect(records.filter((record) => record.gateway === null).length).toBeGreaterThan(0);
  expect(records[0]).toMatchObject({ path: "/compat/chat/completions", method: "POST", metadata: { plan: expect.any(String) } });
});
