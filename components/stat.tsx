import type { ReactNode } from "react";
import { Card } from "@/components/ui/card";

/** A labelled number for the overview; `detail` is a quieter second line. */
export function Stat({ label, value, title, detail }: { label: string; value: ReactNode; title?: string; detail?: ReactNode }) {
  return (
    <Card className="px-4 py-3.5">
      <p className="text-xs font-medium text-muted-foreground">{label}</p>
      <p className="mt-1 text-2xl font-semibold tracking-tight tabular-nums" title={title}>
        {value}
      </p>
      {detail ? <p className="mt-0.5 text-xs text-muted-foreground tabular-nums">{detail}</p> : null}
    </Card>
  );
}
