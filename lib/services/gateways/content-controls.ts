import { z } from "zod";
import { dlpSettingsSchema } from "@/lib/dlp/settings";
import { guardrailSettingsSchema } from "@/lib/guardrails/settings";
import { gatewaySettingsPatchSchema } from "./settings";

/**
 * The gateway's guardrails and DLP, each null for none. Apart from settings.ts because the
 * settings form imports that one in the browser, and these schemas bring the provider catalog
 * and RE2 (WebAssembly) with them.
 */
export const contentControlSettingsSchema = z.object({
  guardrails: guardrailSettingsSchema.nullable(),
  dlp: dlpSettingsSchema.nullable(),
});

/** What create and update accept: any subset of the settings, guardrails and DLP included; missing ones keep their default or current value. */
export const gatewayPatchSchema = gatewaySettingsPatchSchema.extend(contentControlSettingsSchema.partial().shape);

export type GatewayPatch = z.input<typeof gatewayPatchSchema>;
