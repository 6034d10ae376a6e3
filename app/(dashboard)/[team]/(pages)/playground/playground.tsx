"use client";

import { useChat } from "@ai-sdk/react";
import { DefaultChatTransport } from "ai";
import { ExternalLink, RotateCcw, Send, Square, Trash2 } from "lucide-react";
import Link from "next/link";
import { useEffect, useId, useMemo, useRef, useState, useSyncExternalStore, type FormEvent, type KeyboardEvent, type ReactNode } from "react";
import { Alert } from "@/components/ui/alert";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { Card, CardContent, CardHeader, CardTitle } from "@/components/ui/card";
import { Input } from "@/components/ui/input";
import { Field, fieldDescriptionId } from "@/components/ui/field";
import { Label } from "@/components/ui/label";
import { Select } from "@/components/ui/select";
import { Skeleton } from "@/components/ui/skeleton";
import { Textarea } from "@/components/ui/textarea";
import type { PlaygroundGatewayOption } from "@/lib/services/playground/options";
import {
  DEFAULT_MAX_TOKENS,
  DEFAULT_TEMPERATURE,
  MAX_TOKENS_RANGE,
  TEMPERATURE_RANGE,
  type PlaygroundMessage,
  type PlaygroundMetadata,
  type PlaygroundSettings,
} from "@/lib/playground/types";
import { cn } from "@/lib/utils/cn";
import { formatCost, formatDuration, formatNumber } from "@/lib/utils/format";

const CUSTOM = "__custom__";

interface Stored {
  messages: PlaygroundMessage[];
  settings: Partial<PlaygroundSettings>;
}

function readStored(key: string): Stored | undefined {
  try {
    const raw = window.localStorage.getItem(key);
    if (!raw) return undefined;
    const parsed = JSON.parse(raw) as Partial<Stored>;
    return { messages: Array.isArray(parsed.messages) ? parsed.messages : [], settings: parsed.settings ?? {} };
  } catch {
    return undefined;
  }
}

function writeStored(key: string, value: Stored): void {
  try {
    window.localStorage.setItem(key, JSON.stringify(value));
  } catch {
    // Storage full or disabled (private mode): the conversation just won't survive a reload.
  }
}

function parseMaxTokens(text: string): number | undefined {
  const value = Number(text);
  return Number.isInteger(value) && value >= MAX_TOKENS_RANGE.min && value <= MAX_TOKENS_RANGE.max ? value : undefined;
}

function messageText(message: PlaygroundMessage): string {
  return message.parts.map((part) => (part.type === "text" ? part.text : "")).join("");
}

interface PlaygroundProps {
  team: string;
  /** Per user and team, so two people sharing a browser don't see each other's conversations. */
  storageKey: string;
  gateways: PlaygroundGatewayOption[];
  models: Record<string, string[]>;
  refusal: string | undefined;
}

const subscribeToNothing = () => () => {};

/**
 * The conversation and settings live in localStorage, which the server render cannot read; the
 * chat mounts on the client only, starting from what was stored, so nothing flashes or mismatches.
 */
export function Playground(props: PlaygroundProps) {
  const onClient = useSyncExternalStore(
    subscribeToNothing,
    () => true,
    () => false,
  );
  if (!onClient) {
    return (
      <div className="grid gap-6 lg:grid-cols-[minmax(0,1fr)_20rem]" aria-busy="true">
        <Skeleton className="h-[28rem]" />
        <Skeleton className="h-96" />
      </div>
    );
  }
  return <PlaygroundChat {...props} />;
}

function PlaygroundChat({ team, storageKey, gateways, models, refusal }: PlaygroundProps) {
  const ids = useId();
  const [stored] = useState(() => readStored(storageKey));
  const initial = stored?.settings ?? {};
  const [gateway, setGateway] = useState(() =>
    initial.gateway && gateways.some((g) => g.slug === initial.gateway) ? initial.gateway : gateways[0]!.slug,
  );
  const providers = useMemo(() => gateways.find((g) => g.slug === gateway)?.providers ?? [], [gateways, gateway]);
  const catalog = useMemo(() => providers.flatMap((provider) => models[provider] ?? []), [providers, models]);
  const [model, setModel] = useState(() => (typeof initial.model === "string" && initial.model) || catalog[0] || "");
  const [system, setSystem] = useState(() => (typeof initial.system === "string" ? initial.system : ""));
  const [temperature, setTemperature] = useState(() =>
    typeof initial.temperature === "number" ? initial.temperature : DEFAULT_TEMPERATURE,
  );
  const [maxTokensText, setMaxTokensText] = useState(() =>
    String(typeof initial.maxTokens === "number" ? initial.maxTokens : DEFAULT_MAX_TOKENS),
  );
  const maxTokens = parseMaxTokens(maxTokensText);
  const [draft, setDraft] = useState("");
  const [transport] = useState(() => new DefaultChatTransport<PlaygroundMessage>({ api: "/api/playground" }));

  const { messages, setMessages, sendMessage, status, stop, error, regenerate, clearError } = useChat<PlaygroundMessage>({
    id: storageKey,
    messages: stored?.messages,
    transport,
  });
  const busy = status === "submitted" || status === "streaming";
  const modelInCatalog = catalog.includes(model);
  const modelChoice = modelInCatalog ? model : CUSTOM;

  useEffect(() => {
    writeStored(storageKey, { messages, settings: { gateway, model, system, temperature, maxTokens } });
  }, [storageKey, messages, gateway, model, system, temperature, maxTokens]);

  // The conversation scrolls inside its card (the composer stays pinned below it), to the newest
  // answer as it streams; scrolling the log itself leaves the page where it is.
  const log = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const element = log.current;
    if (element) element.scrollTop = element.scrollHeight;
  }, [messages, status, error]);

  const settings = (): PlaygroundSettings & { team: string } => ({
    team,
    gateway,
    model: model.trim(),
    system,
    temperature,
    maxTokens: maxTokens ?? DEFAULT_MAX_TOKENS,
  });
  const canSend = !refusal && !busy && model.trim() !== "" && maxTokens !== undefined && draft.trim() !== "";

  function send(event?: FormEvent) {
    event?.preventDefault();
    if (!canSend) return;
    clearError();
    void sendMessage({ text: draft.trim() }, { body: settings() });
    setDraft("");
  }

  function onKeyDown(event: KeyboardEvent<HTMLTextAreaElement>) {
    if (event.key === "Enter" && !event.shiftKey && !event.nativeEvent.isComposing) send(event);
  }

  function changeGateway(slug: string) {
    setGateway(slug);
    const next = gateways.find((g) => g.slug === slug)?.providers.flatMap((p) => models[p] ?? []) ?? [];
    if (!next.includes(model)) setModel(next[0] ?? "");
  }

  return (
    <div className="grid gap-6 lg:grid-cols-[minmax(0,1fr)_20rem]">
      <Card className="flex h-[calc(100dvh-12rem)] min-h-[24rem] flex-col">
        <div
          ref={log}
          role="log"
          aria-label="Conversation"
          aria-live="polite"
          className="min-h-0 flex-1 space-y-4 overflow-y-auto px-5 py-4"
        >
          {messages.length === 0 ? (
            <p className="py-12 text-center text-sm text-muted-foreground">
              {refusal
                ? "Answers appear here, each with who answered, its tokens, cost and timing, and a link to its log row."
                : "Send a message to start. Each answer shows who answered, its tokens, cost and timing, and links to its log row."}
            </p>
          ) : null}
          {messages.map((message) =>
            message.role === "user" ? (
              <article key={message.id} aria-label="Your message" className="ml-auto max-w-[85%] rounded-lg bg-accent-soft px-3.5 py-2.5 text-sm whitespace-pre-wrap text-accent-soft-foreground">
                {messageText(message)}
              </article>
            ) : message.role === "assistant" ? (
              <article key={message.id} aria-label="Answer" className="max-w-[85%] space-y-2">
                <div className="rounded-lg border border-border bg-subtle px-3.5 py-2.5 text-sm leading-relaxed whitespace-pre-wrap">
                  {messageText(message) || <span className="text-muted-foreground">…</span>}
                </div>
                <AnswerDetails team={team} metadata={message.metadata} />
              </article>
            ) : null,
          )}
          {status === "submitted" ? (
            <p role="status" className="text-sm text-muted-foreground">
              Waiting for the first token…
            </p>
          ) : null}
          {error ? (
            <Alert variant="error" title="The request failed">
              <p className="break-words">{error.message}</p>
              <Button variant="secondary" size="sm" className="mt-2" onClick={() => void regenerate({ body: settings() })}>
                <RotateCcw aria-hidden /> Retry
              </Button>
            </Alert>
          ) : null}
        </div>

        <form onSubmit={send} aria-label="Composer" className="shrink-0 space-y-2 border-t border-border px-5 py-4">
          <Label htmlFor={`${ids}-prompt`} className="sr-only">
            Message
          </Label>
          <Textarea
            id={`${ids}-prompt`}
            rows={3}
            value={draft}
            onChange={(event) => setDraft(event.target.value)}
            onKeyDown={onKeyDown}
            placeholder={refusal ? "Viewers can read the playground but not send." : "Ask something… (Enter sends, Shift+Enter for a new line)"}
            disabled={Boolean(refusal)}
          />
          <div className="flex flex-wrap items-center justify-between gap-2">
            <Button
              variant="ghost"
              size="sm"
              onClick={() => {
                stop();
                clearError();
                setMessages([]);
              }}
              disabled={messages.length === 0 && !error}
            >
              <Trash2 aria-hidden /> Clear conversation
            </Button>
            {busy ? (
              <Button variant="secondary" onClick={() => void stop()}>
                <Square aria-hidden /> Stop
              </Button>
            ) : (
              <Button type="submit" disabled={!canSend}>
                <Send aria-hidden /> Send
              </Button>
            )}
          </div>
        </form>
      </Card>

      <Card className="h-fit">
        <CardHeader>
          <CardTitle>Settings</CardTitle>
        </CardHeader>
        <CardContent className="space-y-4">
          <Field label="Gateway" htmlFor={`${ids}-gateway`}>
            <Select id={`${ids}-gateway`} value={gateway} onChange={(event) => changeGateway(event.target.value)}>
              {gateways.map((g) => (
                <option key={g.slug} value={g.slug}>
                  {g.slug}
                </option>
              ))}
            </Select>
          </Field>

          <Field
            label="Model"
            htmlFor={`${ids}-model`}
            hint={
              modelChoice === CUSTOM ? undefined : (
                <>
                  Providers with a key on this gateway: {providers.join(", ")}.
                </>
              )
            }
          >
            <Select
              id={`${ids}-model`}
              value={modelChoice}
              aria-describedby={modelChoice === CUSTOM ? undefined : fieldDescriptionId(`${ids}-model`)}
              onChange={(event) => setModel(event.target.value === CUSTOM ? (modelInCatalog ? `${providers[0]}/` : model) : event.target.value)}
            >
              {providers.map((provider) =>
                (models[provider] ?? []).length > 0 ? (
                  <optgroup key={provider} label={provider}>
                    {(models[provider] ?? []).map((id) => (
                      <option key={id} value={id}>
                        {id}
                      </option>
                    ))}
                  </optgroup>
                ) : null,
              )}
              <option value={CUSTOM}>Another model…</option>
            </Select>
          </Field>
          {modelChoice === CUSTOM ? (
            <Field
              label="Model id"
              htmlFor={`${ids}-custom-model`}
              hint={
                <>
                  <code>{"{provider}/{model}"}</code>, for models the price list doesn&apos;t have. Providers with a key on
                  this gateway: {providers.join(", ")}.
                </>
              }
            >
              <Input
                id={`${ids}-custom-model`}
                value={model}
                onChange={(event) => setModel(event.target.value)}
                placeholder={`${providers[0] ?? "openai"}/model-name`}
                aria-describedby={fieldDescriptionId(`${ids}-custom-model`)}
                spellCheck={false}
                autoComplete="off"
                className="font-mono"
              />
            </Field>
          ) : null}

          <Field label="System prompt" htmlFor={`${ids}-system`}>
            <Textarea
              id={`${ids}-system`}
              rows={4}
              value={system}
              onChange={(event) => setSystem(event.target.value)}
              placeholder="You are a helpful assistant."
            />
          </Field>

          <Field label={`Temperature: ${temperature.toFixed(1)}`} htmlFor={`${ids}-temperature`}>
            <input
              id={`${ids}-temperature`}
              type="range"
              min={TEMPERATURE_RANGE.min}
              max={TEMPERATURE_RANGE.max}
              step={TEMPERATURE_RANGE.step}
              value={temperature}
              onChange={(event) => setTemperature(Number(event.target.value))}
              className="w-full accent-primary"
            />
          </Field>

          <Field
            label="Max tokens"
            htmlFor={`${ids}-max-tokens`}
            error={maxTokens === undefined ? `A whole number from ${MAX_TOKENS_RANGE.min} to ${formatNumber(MAX_TOKENS_RANGE.max)}.` : null}
          >
            <Input
              id={`${ids}-max-tokens`}
              type="number"
              inputMode="numeric"
              min={MAX_TOKENS_RANGE.min}
              max={MAX_TOKENS_RANGE.max}
              value={maxTokensText}
              onChange={(event) => setMaxTokensText(event.target.value)}
              aria-invalid={maxTokens === undefined ? true : undefined}
              aria-describedby={maxTokens === undefined ? fieldDescriptionId(`${ids}-max-tokens`) : undefined}
            />
          </Field>
        </CardContent>
      </Card>
    </div>
  );
}

function AnswerDetails({ team, metadata }: { team: string; metadata: PlaygroundMetadata | undefined }) {
  if (!metadata?.provider) return null;
  const finished = metadata.totalMs !== undefined;
  return (
    <dl aria-label="Answer details" className={cn("flex flex-wrap items-center gap-x-3 gap-y-1 text-xs text-muted-foreground")}>
      <div className="flex items-center gap-1">
        <dt className="sr-only">Model</dt>
        <dd>
          <Badge variant="accent">
            {metadata.provider}/{metadata.model}
          </Badge>
        </dd>
      </div>
      {metadata.tokensIn !== undefined ? (
        <Detail label="Tokens">
          {formatNumber(metadata.tokensIn)} in · {formatNumber(metadata.tokensOut ?? 0)} out
        </Detail>
      ) : null}
      {metadata.costMicros !== undefined ? (
        <Detail label="Cost">{metadata.costKnown ? formatCost(metadata.costMicros) : "not in the price list"}</Detail>
      ) : null}
      {metadata.ttftMs !== undefined ? <Detail label="TTFT">{formatDuration(metadata.ttftMs)}</Detail> : null}
      {finished ? <Detail label="Total">{formatDuration(metadata.totalMs)}</Detail> : null}
      {metadata.logId && metadata.gateway ? (
        <div>
          <dt className="sr-only">Log</dt>
          <dd>
            <Link
              href={`/${team}/gateways/${metadata.gateway}/logs/${metadata.logId}`}
              className="inline-flex items-center gap-1 text-primary underline-offset-4 hover:underline"
            >
              View log <ExternalLink aria-hidden className="size-3" />
            </Link>
          </dd>
        </div>
      ) : null}
    </dl>
  );
}

function Detail({ label, children }: { label: string; children: ReactNode }) {
  return (
    <div className="flex items-center gap-1">
      <dt>{label}</dt>
      <dd className="font-medium text-foreground tabular-nums">{children}</dd>
    </div>
  );
}
