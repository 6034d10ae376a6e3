import { InvalidInputError } from "@/lib/services/errors";
import type { GatewaySettingsPatch } from "@/lib/services/gateways/settings";
import { GATEWAY_SETTINGS, metadataKeyList, type GatewaySettingName } from "./declarations";

/** A switch's marker: an unchecked checkbox submits nothing, so the action learns from it that the switch was on the form. */
export const presentMarker = (name: string) => `${name}__present`;

/**
 * Reads the settings fields present in the form, each as its declaration's control submits it.
 * The service validates every value and names each bad one.
 */
export function settingsFromForm(form: FormData): GatewaySettingsPatch {
  const settings: Partial<Record<GatewaySettingName, unknown>> = {};
  for (const [name, { schema, form: control }] of Object.entries(GATEWAY_SETTINGS) as [GatewaySettingName, (typeof GATEWAY_SETTINGS)[GatewaySettingName]][]) {
    if (!control) continue;
    if (control.kind === "switch") {
      if (form.has(presentMarker(name))) settings[name] = form.get(name) === "on";
      continue;
    }
    const submitted = form.get(name);
    if (typeof submitted !== "string") continue;
    const value = control.kind === "select" ? submitted : submitted.trim();
    if (control.kind === "list") {
      settings[name] = metadataKeyList(value);
      continue;
    }
    const nullable = schema.safeParse(null).success;
    if (value === "") {
      if (nullable) settings[name] = null;
      continue;
    }
    if (control.kind === "number") settings[name] = Number(value);
    else if (control.kind === "json") settings[name] = parsedJson(name, value);
    else settings[name] = value;
  }
  return settings as GatewaySettingsPatch;
}

function parsedJson(name: string, text: string): unknown {
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new InvalidInputError(`${name}: must be JSON: ${(error as Error).message}`);
  }
}
