import { cn } from "@/lib/utils/cn";
import { CopyButton } from "./copy-button";

export function CodeBlock({
  code,
  title,
  copy = true,
  className,
  maxHeight,
}: {
  code: string;
  title?: string;
  copy?: boolean;
  className?: string;
  /** Tailwind max-height class for long payloads, e.g. "max-h-96". */
  maxHeight?: string;
}) {
  return (
    <div className={cn("group relative overflow-hidden rounded-lg border border-border bg-subtle", className)}>
      {title ? (
        <div className="flex h-9 items-center justify-between border-b border-border pr-1.5 pl-3">
          <span className="text-xs font-medium text-muted-foreground">{title}</span>
          {copy ? <CopyButton value={code} label={`Copy ${title}`} /> : null}
        </div>
      ) : copy ? (
        <div className="absolute top-1.5 right-1.5 z-10">
          <CopyButton value={code} className="bg-subtle/90" />
        </div>
      ) : null}
      {/* tabIndex lets keyboard users scroll a wide or tall block. */}
      <pre tabIndex={0} className={cn("overflow-auto p-3 font-mono text-[13px] leading-relaxed outline-none focus-visible:ring-2 focus-visible:ring-ring focus-visible:ring-inset", !title && copy && "pr-10", maxHeight)}>
        <code>{code}</code>
      </pre>
    </div>
  );
}
