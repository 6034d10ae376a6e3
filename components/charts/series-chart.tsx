"use client";

import { Area, Bar, CartesianGrid, ComposedChart, Legend, Line, ResponsiveContainer, Tooltip, XAxis, YAxis } from "recharts";
import { formatBucket, formatBucketSpan, formatValue, type ValueKind } from "./chart-format";

export interface SeriesDef {
  key: string;
  label: string;
  color: string;
  /** Bars stack on each other (stackId "bars"); lines and areas are drawn over them. */
  shape: "bar" | "line" | "area";
}

export interface SeriesChartProps {
  title: string;
  /** One row per bucket: `at` in epoch ms, then a value per series key (null where there is none). */
  data: Array<{ at: number } & Record<string, number | null>>;
  series: SeriesDef[];
  value: ValueKind;
  bucketMs: number;
  emptyText: string;
}

/** Ticks of small amounts would round to the same few cents: an axis shows money to the digits it needs. */
function axisKind(value: ValueKind): ValueKind {
  return value.kind === "money" ? { kind: "money", precision: undefined } : value;
}

/** A time series over the range's buckets: axes, a legend, a tooltip per bucket, theme colours. */
export function SeriesChart({ title, data, series, value, bucketMs, emptyText }: SeriesChartProps) {
  const empty = data.every((row) => series.every((s) => !row[s.key]));
  const spanMs = data.length * bucketMs;
  return (
    <figure className="min-w-0" aria-label={title}>
      <figcaption className="mb-2 text-sm font-medium">{title}</figcaption>
      {empty ? (
        <div className="flex h-52 items-center justify-center rounded-md border border-dashed border-border text-sm text-muted-foreground">{emptyText}</div>
      ) : (
        <div className="h-52">
          <ResponsiveContainer width="100%" height="100%">
            <ComposedChart data={data} margin={{ top: 4, right: 8, bottom: 0, left: 0 }}>
              <CartesianGrid stroke="var(--border)" strokeDasharray="3 3" vertical={false} />
              <XAxis
                dataKey="at"
                tickFormatter={(at: number) => formatBucket(at, bucketMs, spanMs)}
                stroke="var(--muted-foreground)"
                fontSize={11}
                tickLine={false}
                minTickGap={24}
              />
              <YAxis tickFormatter={(v: number) => formatValue(v, axisKind(value))} stroke="var(--muted-foreground)" fontSize={11} tickLine={false} width={64} />
              <Tooltip
                labelFormatter={(at) => formatBucketSpan(Number(at), bucketMs)}
                formatter={(v) => formatValue(typeof v === "number" ? v : null, value)}
                contentStyle={{ background: "var(--card)", border: "1px solid var(--border)", borderRadius: 6, fontSize: 12, color: "var(--foreground)" }}
                cursor={{ fill: "var(--muted)", opacity: 0.5 }}
              />
              <Legend wrapperStyle={{ fontSize: 12 }} />
              {series.map((s) =>
                s.shape === "bar" ? (
                  <Bar key={s.key} dataKey={s.key} name={s.label} stackId="bars" fill={s.color} isAnimationActive={false} />
                ) : s.shape === "area" ? (
                  <Area key={s.key} dataKey={s.key} name={s.label} stroke={s.color} fill={s.color} fillOpacity={0.15} type="monotone" isAnimationActive={false} />
                ) : (
                  <Line key={s.key} dataKey={s.key} name={s.label} stroke={s.color} dot={false} type="monotone" connectNulls isAnimationActive={false} />
                ),
              )}
            </ComposedChart>
          </ResponsiveContainer>
        </div>
      )}
    </figure>
  );
}
