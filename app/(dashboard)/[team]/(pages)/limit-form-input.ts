import type { RateLimitKey, WindowTechnique } from "@/lib/limits/settings";
import type { BudgetFields } from "@/lib/services/budgets/view";
import { parseDimension, parseMetadataDimensions } from "@/lib/services/limits/dimensions";
import type { RateLimitSettingInput, SpendLimitRuleInput } from "@/lib/services/limits/schemas";

/** An empty field is absent (the service names it as missing); anything else is a number, NaN for text. */
function numberOf(form: FormData, name: string): number | undefined {
  const value = String(form.get(name) ?? "").trim();
  return value === "" ? undefined : Number(value);
}

function textOf(form: FormData, name: string): string {
  return String(form.get(name) ?? "").trim();
}

export function rateLimitFrom(form: FormData): RateLimitSettingInput {
  const key = textOf(form, "key");
  return {
    id: textOf(form, "id"),
    limit: numberOf(form, "limit") as number,
    window: numberOf(form, "window") as number,
    technique: (textOf(form, "technique") || undefined) as WindowTechnique | undefined,
    counts: (textOf(form, "counts") || undefined) as "requests" | "tokens" | undefined,
    key: (key === "" ? undefined : key === "metadata" ? `metadata.${textOf(form, "metadataKey")}` : key) as RateLimitKey | undefined,
  };
}

/** Throws InvalidInputError naming the dimension written wrong. */
export function spendLimitRuleFrom(form: FormData): SpendLimitRuleInput {
  const dimension = (name: "model" | "provider") => {
    const mode = textOf(form, `${name}Mode`);
    if (mode === "") return undefined;
    return mode === "partition" ? { mode: "partition" as const } : parseDimension(name, textOf(form, `${name}Values`));
  };
  const metadata = parseMetadataDimensions(textOf(form, "metadata").split("\n"));
  return {
    id: textOf(form, "id"),
    limit: numberOf(form, "limit") as number,
    window: numberOf(form, "window") as number,
    technique: (textOf(form, "technique") || undefined) as WindowTechnique | undefined,
    model: dimension("model"),
    provider: dimension("provider"),
    metadata: Object.keys(metadata).length > 0 ? metadata : undefined,
  };
}

export function budgetFrom(form: FormData): BudgetFields {
  return {
    name: textOf(form, "name"),
    limitUsd: numberOf(form, "limitUsd") as number,
    period: textOf(form, "period") as BudgetFields["period"],
    windowSeconds: numberOf(form, "windowSeconds") ?? null,
    alertPercent: numberOf(form, "alertPercent") ?? null,
  };
}
