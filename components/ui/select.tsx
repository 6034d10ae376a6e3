import { ChevronDown } from "lucide-react";
import type { ComponentProps } from "react";
import { cn } from "@/lib/utils/cn";
import { fieldClasses } from "./input";

/** A native <select>: keyboard, screen readers and mobile pickers work without any script. */
export function Select({ className, children, ...props }: ComponentProps<"select">) {
  return (
    <div className={cn("relative", props.multiple ? "" : "h-9", className)}>
      <select className={cn(fieldClasses, props.multiple ? "py-1.5" : "h-9 appearance-none py-1.5 pr-8")} {...props}>
        {children}
      </select>
      {props.multiple ? null : (
        <ChevronDown aria-hidden className="pointer-events-none absolute top-1/2 right-2.5 size-4 -translate-y-1/2 text-muted-foreground" />
      )}
    </div>
  );
}
