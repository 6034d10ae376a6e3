import type { ReactNode } from "react";
import { cn } from "@/lib/utils/cn";
import { Label } from "./label";

/**
 * A label, a control, a hint and an error. Give the control `id={htmlFor}` and, when there is a
 * hint or error, `aria-describedby={fieldDescriptionId(htmlFor)}` so both are read with it.
 */
export function Field({
  label,
  htmlFor,
  hint,
  error,
  children,
  className,
}: {
  label: ReactNode;
  htmlFor: string;
  hint?: ReactNode;
  error?: string | null;
  children: ReactNode;
  className?: string;
}) {
  return (
    <div className={cn("flex flex-col gap-1.5", className)}>
      <Label htmlFor={htmlFor}>{label}</Label>
      {children}
      {error ? (
        <p id={fieldDescriptionId(htmlFor)} className="text-xs text-destructive">
          {error}
        </p>
      ) : hint ? (
        <p id={fieldDescriptionId(htmlFor)} className="text-xs text-muted-foreground">
          {hint}
        </p>
      ) : null}
    </div>
  );
}

export function fieldDescriptionId(htmlFor: string): string {
  return `${htmlFor}-description`;
}
