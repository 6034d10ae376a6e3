import { Gauge, Plus, Wallet } from "lucide-react";
import type { FormState } from "@/lib/forms/form-state";
import { Badge } from "@/components/ui/badge";
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from "@/components/ui/card";
import { Dialog, DialogContent, DialogTrigger } from "@/components/ui/dialog";
import { EmptyState } from "@/components/ui/empty-state";
import { Table, TableBody, TableCell, TableHead, TableHeader, TableRow } from "@/components/ui/table";
import type { RateLimitSetting, SpendLimits } from "@/lib/limits/settings";
import { describeDimension } from "@/lib/services/limits/dimensions";
import type { RuleSpend } from "@/lib/services/limits/spend";
import { formatNumber } from "@/lib/utils/format";
import { RateLimitRuleForm, SpendLimitRuleForm, SpendLimitsSwitch } from "./limit-forms";
import { RemoveLimitAction } from "./remove-limit-action";
import { SpendBar } from "./spend-bar";

type Action = (state: FormState, form: FormData) => Promise<FormState>;

function perLabel(key: RateLimitSetting["key"]): string {
  if (key === undefined) return "All requests";
  return key.startsWith("metadata.") ? `Each ${key.slice("metadata.".length)} (metadata)` : `Each ${key}`;
}

/** A gateway's or a token's own rate-limit rules: listed, added or replaced in a dialog, removed. */
export function RateLimitRulesCard({
  rules,
  canEdit,
  description,
  setAction,
  removeAction,
  allowTokenKey,
}: {
  rules: RateLimitSetting[];
  canEdit: boolean;
  description: string;
  setAction: Action;
  removeAction: (ruleId: string) => Action;
  allowTokenKey: boolean;
}) {
  return (
    <Card>
      <CardHeader className="flex flex-row items-start justify-between gap-4">
        <div className="space-y-1.5">
          <CardTitle>Rate-limit rules</CardTitle>
          <CardDescription>{description} Over a limit, requests get 429 with code 2003 and Retry-After.</CardDescription>
        </div>
        {canEdit ? (
          <Dialog>
            <DialogTrigger variant="secondary" size="sm">
              <Plus aria-hidden />
              Add rule
            </DialogTrigger>
            <DialogContent title="Add a rate-limit rule" description="Requests or tokens per window, for all requests or per value.">
              <RateLimitRuleForm action={setAction} allowTokenKey={allowTokenKey} />
            </DialogContent>
          </Dialog>
        ) : null}
      </CardHeader>
      {rules.length === 0 ? (
        <EmptyState icon={Gauge} title="No rate-limit rules" className="py-8" />
      ) : (
        <Table>
          <TableHeader>
            <TableRow>
              <TableHead>Rule</TableHead>
              <TableHead>Limit</TableHead>
              <TableHead>Window</TableHead>
              <TableHead>Counted per</TableHead>
              {canEdit ? (
                <TableHead>
                  <span className="sr-only">Actions</span>
                </TableHead>
              ) : null}
            </TableRow>
          </TableHeader>
          <TableBody>
            {rules.map((rule) => (
              <TableRow key={rule.id}>
                <TableCell className="font-mono text-[13px]">{rule.id}</TableCell>
                <TableCell className="tabular-nums">
                  {formatNumber(rule.limit)} {rule.counts}
                </TableCell>
                <TableCell>
                  {formatNumber(rule.window)}s <Badge>{rule.technique}</Badge>
                </TableCell>
                <TableCell>{perLabel(rule.key)}</TableCell>
                {canEdit ? (
                  <TableCell className="text-right">
                    <RemoveLimitAction what="rule" name={rule.id} action={removeAction(rule.id)} />
                  </TableCell>
                ) : null}
              </TableRow>
            ))}
          </TableBody>
        </Table>
      )}
    </Card>
  );
}

/** Cloudflare's spend limits of a gateway, each rule with its spend now (the fullest buckets of a partitioned one). */
export function SpendLimitsCard({
  spendLimits,
  spend,
  canEdit,
  setAction,
  removeAction,
  enableAction,
}: {
  spendLimits: SpendLimits | null;
  spend: (RuleSpend & { rule: string })[];
  canEdit: boolean;
  setAction: Action;
  removeAction: (ruleId: string) => Action;
  enableAction: Action;
}) {
  const rules = spendLimits?.rules ?? [];
  const spendOf = new Map(spend.map((s) => [s.rule, s]));
  return (
    <Card>
      <CardHeader className="flex flex-row items-start justify-between gap-4">
        <div className="space-y-1.5">
          <CardTitle className="flex items-center gap-2">
            Spend limits {spendLimits && rules.length > 0 ? <Badge variant={spendLimits.enabled ? "success" : "neutral"}>{spendLimits.enabled ? "On" : "Off"}</Badge> : null}
          </CardTitle>
          <CardDescription>
            Cloudflare&apos;s spend_limits: USD per window, for the whole gateway or a bucket per model, provider or metadata value. Each request&apos;s
            worst case is reserved before its call, so a limit is never overspent by more than one request. Over it: 429 with code 2045.
          </CardDescription>
        </div>
        {canEdit ? (
          <div className="flex shrink-0 flex-col items-end gap-2">
            <Dialog>
              <DialogTrigger variant="secondary" size="sm">
                <Plus aria-hidden />
                Add spend limit
              </DialogTrigger>
              <DialogContent title="Add a spend-limit rule" description="At most 20 rules per gateway; an existing rule's ID replaces it.">
                <SpendLimitRuleForm action={setAction} />
              </DialogContent>
            </Dialog>
            {spendLimits && rules.length > 0 ? <SpendLimitsSwitch enabled={spendLimits.enabled} action={enableAction} /> : null}
          </div>
        ) : null}
      </CardHeader>
      {rules.length === 0 ? (
        <EmptyState icon={Wallet} title="No spend limits" className="py-8" />
      ) : (
        <CardContent className="divide-y divide-border p-0">
          {rules.map((rule) => {
            const ruleSpend = spendOf.get(rule.id);
            const dimensions = [
              ...Object.entries(rule.metadata ?? {}).map(([key, d]) => `${key}: ${describeDimension(d)}`),
              ...(rule.model ? [`model: ${describeDimension(rule.model)}`] : []),
              ...(rule.provider ? [`provider: ${describeDimension(rule.provider)}`] : []),
            ];
            return (
              <div key={rule.id} className="space-y-3 px-5 py-4" data-testid={`spend-limit-${rule.id}`}>
                <div className="flex flex-wrap items-start justify-between gap-3">
                  <div className="space-y-1">
                    <p className="text-sm font-medium">
                      <span className="font-mono">{rule.id}</span> {rule.enabled ? null : <Badge>Disabled</Badge>}
                    </p>
                    <p className="text-xs text-muted-foreground">
                      ${rule.limit} per {formatNumber(rule.window)}s, {rule.technique}
                      {dimensions.length > 0 ? ` · ${dimensions.join(" · ")}` : " · the whole gateway"}
                    </p>
                  </div>
                  {canEdit ? (
                    <RemoveLimitAction what="spend limit" name={rule.id} action={removeAction(rule.id)} />
                  ) : null}
                </div>
                {ruleSpend && spendLimits?.enabled ? (
                  ruleSpend.counters.length === 0 ? (
                    <p className="text-xs text-muted-foreground">Nothing spent in this window yet.</p>
                  ) : (
                    ruleSpend.counters.map((counter) => {
                      const bucket = Object.entries(counter.bucket).map(([k, v]) => `${k} = ${v}`).join(", ");
                      return (
                        <div key={counter.counter} className="space-y-1">
                          {bucket ? <p className="font-mono text-xs">{bucket}</p> : null}
                          <SpendBar spend={counter} alertPercent={null} label={`Spend of ${rule.id}${bucket ? ` for ${bucket}` : ""}`} />
                        </div>
                      );
                    })
                  )
                ) : null}
              </div>
            );
          })}
        </CardContent>
      )}
    </Card>
  );
}
