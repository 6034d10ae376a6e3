import type { SpendLimitDimension } from "@/lib/limits/settings";
import { InvalidInputError } from "../errors";

/**
 * A spend-limit dimension as the dashboard and the CLI write it: `partition` (a bucket per value),
 * or the values to count alone, comma-separated (`openai/gpt-4o-mini, openai/gpt-4o`).
 */
export function parseDimension(field: string, text: string): SpendLimitDimension {
  if (text.trim() === "partition") return { mode: "partition" };
  const values = text
    .split(",")
    .map((value) => value.trim())
    .filter((value) => value !== "");
  if (values.length === 0) throw new InvalidInputError({ field, message: 'write "partition" or the values to count alone, comma-separated' });
  return { mode: "filter", values };
}

/** `user_id=partition` or `env=prod,staging`, one a line (or one a `--metadata` flag). */
export function parseMetadataDimensions(lines: readonly string[]): Record<string, SpendLimitDimension> {
  const metadata: Record<string, SpendLimitDimension> = {};
  for (const line of lines.map((l) => l.trim()).filter((l) => l !== "")) {
    const at = line.indexOf("=");
    if (at <= 0) throw new InvalidInputError({ field: "metadata", message: `"${line}" is not key=partition or key=value1,value2` });
    metadata[line.slice(0, at).trim()] = parseDimension("metadata", line.slice(at + 1));
  }
  return metadata;
}

/** `partition`, `only openai/gpt-4o-mini, openai/gpt-4o`: a dimension as lists show it. */
export function describeDimension(dimension: SpendLimitDimension): string {
  return dimension.mode === "partition" ? "a bucket per value" : `only ${dimension.values.join(", ")}`;
}
