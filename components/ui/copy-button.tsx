"use client";

import { Check, Copy } from "lucide-react";
import { useEffect, useState } from "react";
import { cn } from "@/lib/utils/cn";
import { Button, type ButtonVariantProps } from "./button";

/** Copies `value`; the confirmation is announced to screen readers through the live region. */
export function CopyButton({
  value,
  label = "Copy",
  showLabel = false,
  variant = "ghost",
  size,
  className,
}: {
  value: string;
  label?: string;
  showLabel?: boolean;
  className?: string;
} & ButtonVariantProps) {
  const [state, setState] = useState<"idle" | "copied" | "failed">("idle");

  useEffect(() => {
    if (state === "idle") return;
    const timer = setTimeout(() => setState("idle"), 2000);
    return () => clearTimeout(timer);
  }, [state]);

  async function copy() {
    try {
      await navigator.clipboard.writeText(value);
      setState("copied");
    } catch {
      // The Clipboard API needs a secure context; plain-HTTP self-hosted installs fall back to execCommand.
      const area = document.createElement("textarea");
      area.value = value;
      area.setAttribute("readonly", "");
      area.style.position = "fixed";
      area.style.opacity = "0";
      document.body.append(area);
      area.select();
      const ok = document.execCommand("copy");
      area.remove();
      setState(ok ? "copied" : "failed");
    }
  }

  const text = state === "copied" ? "Copied" : state === "failed" ? "Copy failed" : label;
  return (
    <Button
      variant={variant}
      size={size ?? (showLabel ? "sm" : "icon")}
      className={cn(!showLabel && "size-7", className)}
      onClick={copy}
      aria-label={showLabel ? undefined : label}
      title={showLabel ? undefined : label}
    >
      {state === "copied" ? <Check aria-hidden className="text-emerald-600 dark:text-emerald-400" /> : <Copy aria-hidden />}
      {showLabel ? <span>{text}</span> : null}
      <span className="sr-only" aria-live="polite">
        {state === "idle" ? "" : text}
      </span>
    </Button>
  );
}
