"use client";

import { useActionState, useMemo, useState, useTransition } from "react";
import type { FormState } from "@/lib/forms/form-state";
import { Alert } from "@/components/ui/alert";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from "@/components/ui/card";
import { Field } from "@/components/ui/field";
import { SubmitButton } from "@/components/ui/submit-button";
import { Switch } from "@/components/ui/switch";
import { Textarea } from "@/components/ui/textarea";
import type { RouteElement, RouteProblem } from "@/lib/routes/types";
import { describeRouteProblem } from "@/lib/services/routes/elements";
import type { RouteTestOutcome } from "@/lib/services/routes/test";
import { checkDraft, formatElements } from "./draft";
import { ElementLegend, RouteGraph } from "./route-graph";
import { STARTER_ELEMENTS } from "./starter";

type TestAction = (input: { elements: unknown; sample: unknown }) => Promise<{ result: RouteTestOutcome } | { error: string }>;

const problemText = (problem: string | RouteProblem) => (typeof problem === "string" ? problem : describeRouteProblem(problem));

/**
 * The route's elements as JSON beside their diagram, checked as they are typed, saved as a new
 * version; and the tester, which runs a sample request through the draft and lights its path.
 */
export function RouteWorkbench({
  initialElements,
  knownProviders,
  canEdit,
  save,
  test,
}: {
  initialElements: RouteElement[];
  knownProviders: string[];
  canEdit: boolean;
  save: (state: FormState, form: FormData) => Promise<FormState>;
  test: TestAction;
}) {
  const isKnownProvider = useMemo(() => {
    const known = new Set(knownProviders);
    return (slug: string) => known.has(slug);
  }, [knownProviders]);
  const [text, setText] = useState(() => formatElements(initialElements));
  const check = useMemo(() => checkDraft(text, isKnownProvider), [text, isKnownProvider]);
  // The diagram keeps the last readable draft while the JSON is mid-edit.
  const [drawn, setDrawn] = useState<RouteElement[]>(initialElements);
  const [tested, setTested] = useState<RouteTestOutcome | undefined>();
  const [state, saveAction] = useActionState(save, {});

  function edit(next: string) {
    setText(next);
    setTested(undefined);
    const nextCheck = checkDraft(next, isKnownProvider);
    if (nextCheck.kind === "readable") setDrawn(nextCheck.elements);
  }

  return (
    <div className="space-y-6">
      <Card>
        <CardHeader>
          <CardTitle>Diagram</CardTitle>
          <CardDescription>One box per element, coloured by type; each arrow is an output, labelled with its name.</CardDescription>
        </CardHeader>
        <CardContent className="space-y-3">
          <ElementLegend />
          <RouteGraph elements={drawn} path={tested?.path} />
        </CardContent>
      </Card>

      <div className="grid gap-6 lg:grid-cols-2">
        <Card>
          <CardHeader>
            <CardTitle>Elements</CardTitle>
            <CardDescription>
              Cloudflare&apos;s JSON, in either spelling (<code>rate</code>/<code>window</code>/<code>conditions</code> or{" "}
              <code>rate_limit</code>/<code>interval</code>/<code>condition</code>). Saving makes a new version.
            </CardDescription>
          </CardHeader>
          <CardContent>
            <form action={saveAction} className="space-y-3">
              {state.error ? <Alert variant="error">{state.error}</Alert> : null}
              {state.ok && state.message ? <Alert variant="success">{state.message}</Alert> : null}
              <Textarea
                name="elements"
                aria-label="Route elements (JSON)"
                value={text}
                onChange={(event) => edit(event.target.value)}
                rows={22}
                spellCheck={false}
                readOnly={!canEdit}
                className="font-mono text-xs"
              />
              <div role="status" aria-live="polite" data-testid="route-check">
                {check.kind === "unreadable" ? (
                  <Alert variant="error" title="Cannot read these elements">
                    <ul className="list-disc pl-4">
                      {check.problems.map((problem, i) => (
                        <li key={i}>{problemText(problem)}</li>
                      ))}
                    </ul>
                  </Alert>
                ) : check.problems.length > 0 ? (
                  <Alert variant="warning" title="Can be saved, but not deployed yet">
                    <ul className="list-disc pl-4">
                      {check.problems.map((problem, i) => (
                        <li key={i}>{problemText(problem)}</li>
                      ))}
                    </ul>
                  </Alert>
                ) : (
                  <p className="text-sm text-emerald-700 dark:text-emerald-400">Valid: this route can be deployed.</p>
                )}
              </div>
              {canEdit ? (
                <div className="flex flex-wrap justify-between gap-2">
                  <Button type="button" variant="ghost" onClick={() => edit(formatElements(STARTER_ELEMENTS))}>
                    Start from the template
                  </Button>
                  <SubmitButton disabled={check.kind === "unreadable"} pendingLabel="Saving…">
                    Save as new version
                  </SubmitButton>
                </div>
              ) : null}
            </form>
          </CardContent>
        </Card>

        <RouteTester elements={check.kind === "readable" ? check.elements : undefined} test={test} result={tested} onResult={setTested} />
      </div>
    </div>
  );
}

function parseObject(text: string, what: string): Record<string, unknown> {
  if (text.trim() === "") return {};
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new Error(`${what} is not valid JSON.`);
  }
  if (typeof value !== "object" || value === null || Array.isArray(value)) throw new Error(`${what} must be a JSON object.`);
  return value as Record<string, unknown>;
}

/** `name: value` per line. */
function parseHeaders(text: string): Record<string, string> {
  return Object.fromEntries(
    text
      .split("\n")
      .map((line) => line.trim())
      .filter(Boolean)
      .map((line) => {
        const colon = line.indexOf(":");
        if (colon <= 0) throw new Error(`Header "${line}" needs the form name: value.`);
        return [line.slice(0, colon).trim(), line.slice(colon + 1).trim()];
      }),
  );
}

function RouteTester({
  elements,
  test,
  result,
  onResult,
}: {
  elements: RouteElement[] | undefined;
  test: TestAction;
  result: RouteTestOutcome | undefined;
  onResult: (result: RouteTestOutcome | undefined) => void;
}) {
  const [body, setBody] = useState('{\n  "messages": [{ "role": "user", "content": "Hello" }]\n}');
  const [headers, setHeaders] = useState("");
  const [metadata, setMetadata] = useState('{ "plan": "free" }');
  const [failing, setFailing] = useState<string[]>([]);
  const [overLimit, setOverLimit] = useState<string[]>([]);
  const [error, setError] = useState<string | undefined>();
  const [pending, startTransition] = useTransition();
  const models = (elements ?? []).filter((e) => e.type === "model");
  const rates = (elements ?? []).filter((e) => e.type === "rate");
  const toggle = (list: string[], id: string, on: boolean) => (on ? [...list, id] : list.filter((x) => x !== id));

  function run() {
    let sample: Record<string, unknown>;
    try {
      sample = {
        body: parseObject(body, "The body"),
        headers: parseHeaders(headers),
        metadata: parseObject(metadata, "The metadata"),
        failing: failing.filter((id) => models.some((m) => m.id === id)),
        overLimit: overLimit.filter((id) => rates.some((r) => r.id === id)),
      };
    } catch (problem) {
      setError(problem instanceof Error ? problem.message : String(problem));
      return;
    }
    startTransition(async () => {
      const answer = await test({ elements, sample });
      if ("error" in answer) {
        setError(answer.error);
        onResult(undefined);
      } else {
        setError(undefined);
        onResult(answer.result);
      }
    });
  }

  return (
    <Card>
      <CardHeader>
        <CardTitle>Tester</CardTitle>
        <CardDescription>The path a request would take through the elements on the left, and the model it would call. Nothing is called.</CardDescription>
      </CardHeader>
      <CardContent className="space-y-4">
        <Field label="Body (JSON)" htmlFor="tester-body">
          <Textarea id="tester-body" value={body} onChange={(e) => setBody(e.target.value)} rows={4} spellCheck={false} className="font-mono text-xs" />
        </Field>
        <Field label="Metadata (cf-aig-metadata, JSON)" htmlFor="tester-metadata">
          <Textarea id="tester-metadata" value={metadata} onChange={(e) => setMetadata(e.target.value)} rows={2} spellCheck={false} className="font-mono text-xs" />
        </Field>
        <Field label="Headers (name: value per line)" htmlFor="tester-headers" hint="cf-aig-event-id picks the percentage bucket, as it does for real requests.">
          <Textarea id="tester-headers" value={headers} onChange={(e) => setHeaders(e.target.value)} rows={2} spellCheck={false} className="font-mono text-xs" />
        </Field>
        {models.length + rates.length > 0 ? (
          <fieldset className="space-y-2">
            <legend className="text-sm font-medium">Assume</legend>
            {models.map((m) => (
              <label key={m.id} className="flex items-center gap-2 text-sm">
                <Switch checked={failing.includes(m.id)} onChange={(e) => setFailing(toggle(failing, m.id, e.target.checked))} aria-label={`Assume model ${m.id} fails`} />
                model <span className="font-mono">{m.id}</span> ({m.properties.provider}/{m.properties.model}) fails
              </label>
            ))}
            {rates.map((r) => (
              <label key={r.id} className="flex items-center gap-2 text-sm">
                <Switch checked={overLimit.includes(r.id)} onChange={(e) => setOverLimit(toggle(overLimit, r.id, e.target.checked))} aria-label={`Assume rate ${r.id} is over its limit`} />
                rate <span className="font-mono">{r.id}</span> is over its limit
              </label>
            ))}
          </fieldset>
        ) : null}
        {error ? <Alert variant="error">{error}</Alert> : null}
        <Button type="button" onClick={run} disabled={!elements || pending} aria-busy={pending || undefined}>
          {pending ? "Testing…" : "Test route"}
        </Button>
        {result ? (
          <div className="space-y-2 rounded-lg border border-border p-3 text-sm" data-testid="tester-result">
            <p>
              {result.model ? (
                <>
                  Would call{" "}
                  <Badge variant="success" className="font-mono">
                    {result.model.provider}/{result.model.model}
                  </Badge>{" "}
                  (element <span className="font-mono">{result.model.elementId}</span>)
                </>
              ) : (
                <Badge variant="danger">No model would answer: the route ends with an error</Badge>
              )}
            </p>
            <ol className="list-decimal space-y-0.5 pl-5 font-mono text-xs">
              {result.path.map((step, i) => (
                <li key={i}>
                  {step.elementId}
                  {step.output ? ` → ${step.output}` : ""}
                  {step.detail ? <span className="text-muted-foreground"> ({step.detail})</span> : null}
                </li>
              ))}
            </ol>
          </div>
        ) : null}
      </CardContent>
    </Card>
  );
}
