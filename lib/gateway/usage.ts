import type { CanonicalUsage } from "@/lib/formats/canonical";
import { tokenUsageOf, type TokenUsage } from "@/lib/formats/usage";

const NO_TOKENS: CanonicalUsage = { input: 0, output: 0, cache_read: 0, cache_write: 0, reasoning: 0 };

/**
 * A stream's usage as its events report it: each usage event carries totals so far for the fields
 * it has, so a later value replaces an earlier one (canonical.ts); nothing is summed twice.
 */
export class UsageTotals {
  private totals: CanonicalUsage | undefined;

  add(usage: Partial<CanonicalUsage>): void {
    const totals: CanonicalUsage = { ...(this.totals ?? NO_TOKENS) };
    for (const key of Object.keys(usage) as (keyof CanonicalUsage)[]) {
      const value = usage[key];
      if (value !== undefined) totals[key] = value;
    }
    this.totals = totals;
  }

  get(): TokenUsage | undefined {
    return this.totals && tokenUsageOf(this.totals);
  }
}
