import { z } from "zod";
import { settingsShape, type SettingDeclaration } from "@/lib/gateways/settings/declarations";
import { dlpSettingsSchema } from "@/lib/dlp/settings";
import { guardrailSettingsSchema } from "@/lib/guardrails/settings";
import { gatewaySettingsPatchSchema } from "./settings";

/**
 * The gateway's guardrails and DLP, each null for none, declared as the other settings are
 * (lib/gateways/settings/declarations.ts) but apart: the settings form imports those in the
 * browser, and these schemas bring the provider catalog and RE2 (WebAssembly) with them. Their
 * own cards on the gateway page edit them, so they have no control on the settings form.
 */
export const CONTENT_CONTROL_SETTINGS = {
  guardrails: {
    schema: guardrailSettingsSchema.nullable(),
    cli: {
      kind: "json",
      flag: "guardrails",
      help: "guardrail rules and evaluator as JSON, e.g. {\"prompt\":{\"S1\":\"BLOCK\"},\"evaluator\":{\"kind\":\"openai-moderation\"}}; none turns guardrails off",
    },
  },
  dlp: {
    schema: dlpSettingsSchema.nullable(),
    cli: { kind: "json", flag: "dlp", help: "DLP settings as JSON, in either of Cloudflare's shapes or with custom profiles; none removes them" },
  },
} satisfies Record<string, SettingDeclaration>;

const contentControlSettingsSchema = z.object(settingsShape(CONTENT_CONTROL_SETTINGS));

/** What create and update accept: any subset of the settings, guardrails and DLP included; missing ones keep their default or current value. */
export const gatewayPatchSchema = gatewaySettingsPatchSchema.extend(contentControlSettingsSchema.partial().shape);

export type GatewayPatch = z.input<typeof gatewayPatchSchema>;
