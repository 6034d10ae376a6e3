"use client";

import { Area, AreaChart, ResponsiveContainer } from "recharts";

/** A row's requests over the range, small enough for a table cell; the numbers are in the row. */
export function Sparkline({ values, label }: { values: number[]; label: string }) {
  const data = values.map((v, i) => ({ i, v }));
  return (
    <div className="h-7 w-28" role="img" aria-label={label}>
      <ResponsiveContainer width="100%" height="100%">
        <AreaChart data={data} margin={{ top: 2, right: 0, bottom: 2, left: 0 }}>
          <Area dataKey="v" stroke="var(--primary)" fill="var(--primary)" fillOpacity={0.15} strokeWidth={1.5} type="monotone" isAnimationActive={false} />
        </AreaChart>
      </ResponsiveContainer>
    </div>
  );
}
