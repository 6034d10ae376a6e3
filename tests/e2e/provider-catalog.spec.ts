import { generateKeyPairSync } from "node:crypto";
import { expect, test, type Page } from "@playwright/test";
import { openDialog, OWNER, screenshotBothThemes, uniqueSlug } from "./support/app";

// The dashboard side of the provider catalog: keys made of several fields, entered through the
// provider's own fields and listed by what identifies them, and the quickstarts of the providers
// whose APIs need more than a base URL. Keys here belong to a gateway of this spec's own.
test.describe.configure({ mode: "serial" });

const team = OWNER.team;
const GATEWAY = uniqueSlug("catalog");
const AWS_SECRET_ACCESS_KEY = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY";
const CLOUDFLARE_TOKEN = "cf-e2e-workers-ai-token-SECRETPART";

let page: Page;
test.beforeAll(async ({ browser }) => {
  page = await browser.newPage({ storageState: test.info().project.use.storageState });
});
test.afterAll(async () => {
  await page?.close();
});

async function openAddKey(provider: string) {
  await page.goto(`/${team}/keys`);
  const dialog = await openDialog(page, "Add key", "Add a provider key");
  await dialog.getByLabel("Provider").selectOption(provider);
  await dialog.getByLabel("Used by").selectOption(GATEWAY);
  return dialog;
}

test("the gateway page shows how to reach Bedrock, Vertex, Azure, Cohere, Workers AI and the long tail", async ({}, testInfo) => {
  await page.goto(`/${team}/gateways`);
  const create = await openDialog(page, "Create gateway", "Create a gateway");
  await create.getByLabel("Gateway ID").fill(GATEWAY);
  await create.getByRole("button", { name: "Create gateway" }).click();
  await expect(page).toHaveURL(new RegExp(`/${team}/gateways/${GATEWAY}$`));

  const providers = page.getByRole("tablist", { name: "Provider" });
  const panel = page.getByRole("tabpanel").filter({ has: page.locator("pre") }).last();
  const expectations: [tab: string, texts: string[]][] = [
    ["Amazon Bedrock", ["aws-bedrock/us.anthropic.claude-sonnet-4-5-20250929-v1:0"]],
    ["Vertex AI", [`/${GATEWAY}/google-vertex-ai/v1/projects/`, "google-vertex-ai/google/gemini-2.5-flash"]],
    ["Azure OpenAI", [`/${GATEWAY}/azure-openai/YOUR_RESOURCE/YOUR_DEPLOYMENT`, "api-version"]],
    ["Cohere", ["cohere/command-a-03-2025"]],
    ["Workers AI", ["/ai/v1", "@cf/meta/llama-3.1-8b-instruct"]],
    ["ElevenLabs and other APIs", [`/${GATEWAY}/elevenlabs/v1/text-to-speech/`]],
  ];
  for (const [tab, texts] of expectations) {
    await providers.getByRole("tab", { name: tab }).click();
    await expect(providers.getByRole("tab", { name: tab })).toHaveAttribute("aria-selected", "true");
    for (const text of texts) await expect(panel).toContainText(text);
  }
  // Bedrock's own API is among the SDK quickstarts.
  const languages = page.getByRole("tablist", { name: "Quickstart language" });
  await languages.getByRole("tab", { name: "AWS SDK (Bedrock)" }).click();
  await expect(page.getByRole("tabpanel").filter({ hasText: "BedrockRuntimeClient" })).toContainText(
    `/v1/${team}/${GATEWAY}/aws-bedrock/bedrock-runtime/us-east-1`,
  );
  await providers.getByRole("tab", { name: "Amazon Bedrock" }).click();
  await screenshotBothThemes(page, testInfo, "gateway-provider-quickstarts");
});

test("a Workers AI key from its account id and token, listed by the account id", async () => {
  const dialog = await openAddKey("workers-ai");
  await dialog.getByLabel("Account ID").fill("0123456789abcdef0123456789abcdef");
  await dialog.getByLabel("API token").fill(CLOUDFLARE_TOKEN);
  await dialog.getByLabel(/^Base URL/).fill("https://api.cloudflare.com/client/v4/accounts/0123456789abcdef0123456789abcdef/ai");
  await dialog.getByRole("button", { name: "Add key" }).click();
  await expect(dialog).toBeHidden();

  const row = page.getByRole("row").filter({ hasText: "Cloudflare Workers AI" }).filter({ hasText: GATEWAY });
  await expect(row).toContainText("account 0123456789abcdef0123456789abcdef · …PART");
  await expect(page.getByText("SECRETPART")).toHaveCount(0);
});

test("an aws-bedrock key from its fields, listed by its access key id's last four and region", async ({}, testInfo) => {
  const dialog = await openAddKey("aws-bedrock");
  await expect(dialog.getByLabel("API key")).toHaveCount(0);
  await dialog.getByLabel("Access key ID").fill("AKIAIOSFODNN7EXAMPLE");
  await dialog.getByLabel("Secret access key").fill(AWS_SECRET_ACCESS_KEY);
  await dialog.getByLabel("Region").fill("us-east-1");
  await screenshotBothThemes(page, testInfo, "keys-add-bedrock");
  await dialog.getByRole("button", { name: "Add key" }).click();
  await expect(dialog).toBeHidden();

  const row = page.getByRole("row").filter({ hasText: "key …MPLE · us-east-1" });
  await expect(row).toContainText(GATEWAY);
  await expect(page.getByText(AWS_SECRET_ACCESS_KEY)).toHaveCount(0);
  expect(await page.content()).not.toContain(AWS_SECRET_ACCESS_KEY);

  // Rotating asks for the same fields.
  await row.getByRole("button", { name: "Rotate" }).click();
  const rotate = page.getByRole("dialog", { name: /^Rotate the .* key “default”/ });
  await rotate.getByLabel("Access key ID").fill("AKIAI44QH8DHBEXAMPLE");
  await rotate.getByLabel("Secret access key").fill("je7MtGbClwBF/2Zp9Utk/h3yCo8nvbEXAMPLEKEY");
  await rotate.getByLabel("Region").fill("eu-west-1");
  await rotate.getByRole("button", { name: "Replace secret" }).click();
  await expect(rotate).toBeHidden();
  await expect(page.getByRole("row").filter({ hasText: "key …MPLE · eu-west-1" })).toContainText(GATEWAY);
});

test("a provider's complaint about a key shows on the field it is about", async () => {
  const dialog = await openAddKey("aws-bedrock");
  await dialog.getByLabel("Alias").fill("bad-region");
  await dialog.getByLabel("Access key ID").fill("AKIAIOSFODNN7EXAMPLE");
  await dialog.getByLabel("Secret access key").fill(AWS_SECRET_ACCESS_KEY);
  await dialog.getByLabel("Region").fill("US East (Ohio)");
  await dialog.getByRole("button", { name: "Add key" }).click();
  await expect(dialog.getByText(/US East \(Ohio\).*is not an AWS region/i)).toBeVisible();
  await expect(dialog.getByLabel("Region")).toHaveAttribute("aria-invalid", "true");
  await dialog.getByRole("button", { name: "Cancel" }).click();
});

test("a Vertex AI key from a chosen service-account file and a region, listed by the account's email", async () => {
  const { privateKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
  const serviceAccount = {
    type: "service_account",
    project_id: "acme-e2e",
    private_key_id: "0123456789abcdef",
    private_key: privateKey.export({ type: "pkcs8", format: "pem" }).toString(),
    client_email: "gateway@acme-e2e.iam.gserviceaccount.com",
    token_uri: "https://oauth2.googleapis.com/token",
  };
  const dialog = await openAddKey("google-vertex-ai");
  // The file is read in the browser into the text area; nothing is uploaded but the form.
  await dialog.getByLabel("Service account key (JSON): choose a file").setInputFiles({
    name: "acme-e2e.json",
    mimeType: "application/json",
    buffer: Buffer.from(JSON.stringify(serviceAccount, null, 2)),
  });
  await expect(dialog.getByLabel("Service account key (JSON)", { exact: true })).toHaveValue(/"client_email": "gateway@acme-e2e/);
  await dialog.getByLabel("Region").fill("europe-west4");
  await dialog.getByRole("button", { name: "Add key" }).click();
  await expect(dialog).toBeHidden();

  const row = page.getByRole("row").filter({ hasText: "gateway@acme-e2e.iam.gserviceaccount.com · europe-west4" });
  await expect(row).toContainText(GATEWAY);
  expect(await page.content()).not.toContain("PRIVATE KEY");
});
