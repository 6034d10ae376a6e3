"use client";

import { useState } from "react";
import { Badge } from "@/components/ui/badge";
import { Field, fieldDescriptionId } from "@/components/ui/field";
import { Input } from "@/components/ui/input";
import { Select } from "@/components/ui/select";
import { Table, TableBody, TableCell, TableHead, TableHeader, TableRow } from "@/components/ui/table";
import { GUARDRAIL_CATEGORIES, type GuardrailAction, type GuardrailCategory, type GuardrailCheck, type GuardrailSettings } from "@/lib/guardrails/types";
import { GUARDRAIL_CATEGORY_NAMES } from "./content-control-names";
import { SettingsJsonForm, type Action } from "./settings-json-form";
import { SwitchRow } from "./switch-row";

type Kind = GuardrailSettings["evaluator"]["kind"];

const DEFAULT_MODEL: Record<Kind, string> = { "llama-guard": "workers-ai/@cf/meta/llama-guard-3-8b", "openai-moderation": "" };

/**
 * Cloudflare's guardrails: Ignore, FLAG or BLOCK per category for prompts and for responses, and
 * (Switchyard's own) the model that judges them, called with the team's keys.
 */
export function GuardrailsSettingsCard({
  settings,
  judged,
  action,
  canEdit,
}: {
  settings: GuardrailSettings | null;
  /** The categories each evaluator can report: a rule on another never fires, and the table says so. */
  judged: Record<Kind, readonly GuardrailCategory[]>;
  action: Action;
  canEdit: boolean;
}) {
  const [enabled, setEnabled] = useState(settings !== null);
  const [rules, setRules] = useState<Pick<GuardrailSettings, "prompt" | "response">>({ prompt: settings?.prompt ?? {}, response: settings?.response ?? {} });
  const [kind, setKind] = useState<Kind>(settings?.evaluator.kind ?? "llama-guard");
  const [model, setModel] = useState(settings?.evaluator.model ?? DEFAULT_MODEL[kind]);

  const evaluator: GuardrailSettings["evaluator"] = kind === "llama-guard" ? { kind, model: model.trim() } : model.trim() ? { kind, model: model.trim() } : { kind };
  const value: GuardrailSettings | null = enabled ? { ...rules, evaluator } : null;

  function setRule(check: GuardrailCheck, category: GuardrailCategory, action: GuardrailAction | "") {
    setRules((current) => {
      const next = { ...current[check] };
      if (action === "") delete next[category];
      else next[category] = action;
      return { ...current, [check]: next };
    });
  }

  return (
    <SettingsJsonForm
      name="guardrails"
      title="Guardrails"
      description="Check prompts and responses for harmful content with a moderation model. BLOCK refuses the request with 424 (code 2016 for a prompt, 2017 for a response) and cuts a stream off where it trips; FLAG lets it through and logs the finding."
      value={value}
      action={action}
      canEdit={canEdit}
      submitLabel="Save guardrails">
      {(errors) => (
        <>
          <SwitchRow id="guardrails-enabled" label="Guardrails on" checked={enabled} onChange={setEnabled} hint="Off: no request is evaluated, and the rules below are not kept." />

          {enabled ? (
            <>
              <div className="grid gap-4 sm:grid-cols-2">
                <Field label="Evaluator" htmlFor="guardrails-evaluator" error={errors["evaluator.kind"] ?? errors.evaluator}>
                  <Select
                    id="guardrails-evaluator"
                    value={kind}
                    onChange={(event) => {
                      const next = event.target.value as Kind;
                      setKind(next);
                      setModel(DEFAULT_MODEL[next]);
                    }}>
                    <option value="llama-guard">Llama Guard, on a provider of your choice</option>
                    <option value="openai-moderation">OpenAI moderation</option>
                  </Select>
                </Field>
                <Field
                  label={kind === "llama-guard" ? "Model" : "Model (optional)"}
                  htmlFor="guardrails-model"
                  error={errors["evaluator.model"]}
                  hint={
                    kind === "llama-guard"
                      ? "{provider}/{model} on any provider speaking OpenAI's chat format: groq/meta-llama/llama-guard-4-12b, workers-ai/@cf/meta/llama-guard-3-8b, a custom provider."
                      : "Empty: omni-moderation-latest."
                  }>
                  <Input
                    id="guardrails-model"
                    value={model}
                    onChange={(event) => setModel(event.target.value)}
                    placeholder={kind === "llama-guard" ? DEFAULT_MODEL["llama-guard"] : "omni-moderation-latest"}
                    autoComplete="off"
                    spellCheck={false}
                    aria-invalid={errors["evaluator.model"] ? true : undefined}
                    aria-describedby={fieldDescriptionId("guardrails-model")}
                    className="font-mono"
                  />
                </Field>
              </div>
              <p className="text-xs text-muted-foreground">
                The evaluator is called through this team&apos;s own gateway with the team&apos;s stored provider keys, so its calls are billed by that
                provider like any other request (OpenAI&apos;s moderation endpoint is free; a Llama Guard call costs what the provider charges for its
                tokens) and appear in the logs as their own rows, linked to the request they judged. Each checked prompt waits for its evaluation,
                typically a few hundred milliseconds. Categories marked &ldquo;not judged&rdquo; are ones the chosen evaluator never reports (neither
                judges prompt injection, P1, for which Cloudflare runs a separate model): a rule on them never fires.
              </p>

              <Table aria-label="Guardrail rules">
                <TableHeader>
                  <TableRow>
                    <TableHead>Category</TableHead>
                    <TableHead>Prompts</TableHead>
                    <TableHead>Responses</TableHead>
                  </TableRow>
                </TableHeader>
                <TableBody>
                  {GUARDRAIL_CATEGORIES.map((category) => (
                    <TableRow key={category}>
                      <TableCell>
                        <span className="inline-block w-9 font-mono text-[13px] text-muted-foreground">{category}</span>
                        {GUARDRAIL_CATEGORY_NAMES[category]}
                        {judged[kind].includes(category) ? null : (
                          <Badge variant="neutral" className="ml-2">
                            not judged
                          </Badge>
                        )}
                      </TableCell>
                      {(["prompt", "response"] as const).map((check) => {
                        const error = errors[`${check}.${category}`];
                        return (
                          <TableCell key={check}>
                            <Select
                              aria-label={`${GUARDRAIL_CATEGORY_NAMES[category]} in ${check}s`}
                              value={rules[check][category] ?? ""}
                              onChange={(event) => setRule(check, category, event.target.value as GuardrailAction | "")}
                              aria-invalid={error ? true : undefined}
                              className="w-28">
                              <option value="">Ignore</option>
                              <option value="FLAG">Flag</option>
                              <option value="BLOCK">Block</option>
                            </Select>
                            {error ? <p className="mt-1 text-xs text-destructive">{error}</p> : null}
                          </TableCell>
                        );
                      })}
                    </TableRow>
                  ))}
                </TableBody>
              </Table>
            </>
          ) : null}
        </>
      )}
    </SettingsJsonForm>
  );
}
