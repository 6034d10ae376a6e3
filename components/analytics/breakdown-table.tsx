"use client";

import { ArrowDown, ArrowUp } from "lucide-react";
import Link from "next/link";
import { useState } from "react";
import { Sparkline } from "@/components/charts/sparkline";
import { Table, TableBody, TableCell, TableHead, TableHeader, TableRow } from "@/components/ui/table";
import { formatCompact, formatCost, formatDuration, formatNumber, formatPercent } from "@/lib/utils/format";

/** A breakdown row as the page hands it over (plain data). */
export interface BreakdownTableRow {
  key: string;
  label: string;
  /** Set for a gateway row: the label links to the gateway's analytics. */
  href: string | null;
  /** The row is a stand-in ("no gateway", "no model"): shown quieter. */
  none: boolean;
  requests: number;
  errors: number;
  cachedRequests: number;
  tokensIn: number;
  tokensOut: number;
  costMicros: number;
  p95Ms: number | null;
  spark: number[];
}

type SortKey = "label" | "requests" | "errorRate" | "cacheRate" | "tokensIn" | "tokensOut" | "costMicros" | "p95Ms";

const COLUMNS: { key: SortKey; label: string; numeric: boolean }[] = [
  { key: "requests", label: "Requests", numeric: true },
  { key: "errorRate", label: "Errors", numeric: true },
  { key: "cacheRate", label: "Cached", numeric: true },
  { key: "tokensIn", label: "Tokens in", numeric: true },
  { key: "tokensOut", label: "Tokens out", numeric: true },
  { key: "costMicros", label: "Cost", numeric: true },
  { key: "p95Ms", label: "p95 total", numeric: true },
];

function sortValue(row: BreakdownTableRow, key: SortKey): number | string {
  switch (key) {
    case "label":
      return row.label.toLowerCase();
    case "errorRate":
      return row.requests ? row.errors / row.requests : 0;
    case "cacheRate":
      return row.requests ? row.cachedRequests / row.requests : 0;
    default:
      return row[key] ?? -1;
  }
}

/** A breakdown, sortable by any column (click a header; again to reverse), with a sparkline per row. */
export function BreakdownTable({ caption, dimension, rows, precision }: { caption: string; dimension: string; rows: BreakdownTableRow[]; precision: number }) {
  const [sort, setSort] = useState<{ key: SortKey; descending: boolean }>({ key: "requests", descending: true });
  if (rows.length === 0) return <p className="px-5 py-6 text-sm text-muted-foreground">No requests in this range.</p>;
  const sorted = [...rows].sort((a, b) => {
    const [x, y] = [sortValue(a, sort.key), sortValue(b, sort.key)];
    const order = x < y ? -1 : x > y ? 1 : 0;
    return sort.descending ? -order : order;
  });

  function header(key: SortKey, label: string, numeric: boolean) {
    const active = sort.key === key;
    return (
      <TableHead key={key} className={numeric ? "text-right" : undefined} aria-sort={active ? (sort.descending ? "descending" : "ascending") : "none"}>
        <button
          type="button"
          className="inline-flex items-center gap-1 hover:text-foreground"
          onClick={() => setSort({ key, descending: active ? !sort.descending : key !== "label" })}
        >
          {label}
          {active ? sort.descending ? <ArrowDown aria-hidden className="size-3" /> : <ArrowUp aria-hidden className="size-3" /> : null}
        </button>
      </TableHead>
    );
  }

  return (
    <Table aria-label={caption}>
      <TableHeader>
        <TableRow>
          {header("label", dimension, false)}
          <TableHead>
            <span className="sr-only">Requests over the range</span>
          </TableHead>
          {COLUMNS.map((column) => header(column.key, column.label, column.numeric))}
        </TableRow>
      </TableHeader>
      <TableBody>
        {sorted.map((row) => (
          <TableRow key={row.key}>
            <TableCell className="max-w-64 truncate" title={row.label}>
              {row.href ? (
                <Link href={row.href} className="font-mono text-[13px] hover:text-primary hover:underline">
                  {row.label}
                </Link>
              ) : (
                <span className={row.none ? "text-muted-foreground" : "font-mono text-[13px]"}>{row.label}</span>
              )}
            </TableCell>
            <TableCell>
              <Sparkline values={row.spark} label={`${row.label}: requests over the range`} />
            </TableCell>
            <TableCell className="text-right tabular-nums">{formatNumber(row.requests)}</TableCell>
            <TableCell className="text-right tabular-nums">{formatPercent(row.errors, row.requests)}</TableCell>
            <TableCell className="text-right tabular-nums">{formatPercent(row.cachedRequests, row.requests)}</TableCell>
            <TableCell className="text-right tabular-nums">{formatCompact(row.tokensIn)}</TableCell>
            <TableCell className="text-right tabular-nums">{formatCompact(row.tokensOut)}</TableCell>
            <TableCell className="text-right tabular-nums">{formatCost(row.costMicros, precision)}</TableCell>
            <TableCell className="text-right tabular-nums">{formatDuration(row.p95Ms)}</TableCell>
          </TableRow>
        ))}
      </TableBody>
    </Table>
  );
}
