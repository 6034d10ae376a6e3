"use client";

import { Radio } from "lucide-react";
import Link from "next/link";
import { useEffect, useState } from "react";
import { Button } from "@/components/ui/button";
import { Card } from "@/components/ui/card";
import type { TailRow } from "@/lib/logs-http/tail";

/** The newest rows kept on screen; older ones are in the list below after a reload. */
const KEEP = 50;

/**
 * Live tail: new matching requests appear at the top without a reload, through the list's
 * `/tail` event stream. Off until asked for; closing it (or the page) ends the stream.
 */
export function LiveTail({ tailUrl, base, teamWide }: { tailUrl: string; base: string; teamWide: boolean }) {
  const [on, setOn] = useState(false);
  const [rows, setRows] = useState<TailRow[]>([]);
  const [state, setState] = useState<"connecting" | "live" | "ended">("connecting");

  useEffect(() => {
    if (!on) return;
    const source = new EventSource(tailUrl);
    source.addEventListener("open", () => setState("live"));
    source.addEventListener("logs", (event) => {
      const fresh = JSON.parse((event as MessageEvent<string>).data) as TailRow[];
      setRows((current) => [...fresh.reverse(), ...current].slice(0, KEEP));
    });
    // The server ends a tail after ten minutes; reconnecting would start it over unasked.
    source.addEventListener("end", () => {
      setState("ended");
      source.close();
    });
    return () => source.close();
  }, [on, tailUrl]);

  if (!on) {
    return (
      <div className="mb-3">
        <Button
          variant="secondary"
          size="sm"
          onClick={() => {
            setState("connecting");
            setOn(true);
          }}
        >
          <Radio aria-hidden />
          Live tail
        </Button>
      </div>
    );
  }
  return (
    <Card className="mb-4" aria-live="polite" data-testid="live-tail">
      <div className="flex items-center justify-between gap-2 border-b border-border px-4 py-2 text-sm">
        <span className="flex items-center gap-2 font-medium">
          <span className={state === "live" ? "size-2 animate-pulse rounded-full bg-green-500" : "size-2 rounded-full bg-muted-foreground"} aria-hidden />
          {state === "live" ? "Live: new requests appear here" : state === "connecting" ? "Connecting…" : "The tail ended after ten minutes"}
        </span>
        <Button variant="ghost" size="sm" onClick={() => setOn(false)}>
          Stop
        </Button>
      </div>
      {rows.length === 0 ? (
        <p className="px-4 py-3 text-sm text-muted-foreground">Waiting for requests that match the filters…</p>
      ) : (
        <ul className="divide-y divide-border text-[13px]">
          {rows.map((row) => (
            <li key={row.id} className="flex flex-wrap items-center gap-x-3 gap-y-0.5 px-4 py-1.5">
              <Link href={`${base}/${row.id}`} className="font-medium tabular-nums hover:text-primary hover:underline">
                {row.createdAt.slice(11, 19)}
              </Link>
              <span className={row.success ? "text-green-600 dark:text-green-400" : "text-red-600 dark:text-red-400"}>{row.statusCode}</span>
              {teamWide ? <span className="font-mono text-xs">{row.gatewaySlug ?? "no gateway"}</span> : null}
              <span className="font-mono text-xs">{row.path}</span>
              <span className="text-muted-foreground">{[row.provider, row.model].filter(Boolean).join(" / ") || "–"}</span>
              {row.tokenName ? <span className="text-muted-foreground">token {row.tokenName}</span> : null}
              {row.errorMessage ? <span className="truncate text-xs text-muted-foreground">{row.errorMessage}</span> : null}
            </li>
          ))}
        </ul>
      )}
    </Card>
  );
}
