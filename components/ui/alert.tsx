import { cva, type VariantProps } from "class-variance-authority";
import { CircleAlert, CircleCheck, Info, TriangleAlert } from "lucide-react";
import type { ComponentProps, ReactNode } from "react";
import { cn } from "@/lib/utils/cn";

const alertVariants = cva("flex gap-3 rounded-lg border px-4 py-3 text-sm [&>svg]:mt-0.5 [&>svg]:size-4 [&>svg]:shrink-0", {
  variants: {
    variant: {
      info: "border-border bg-subtle text-foreground [&>svg]:text-muted-foreground",
      success: "border-emerald-600/25 bg-emerald-50 text-emerald-900 dark:bg-emerald-500/10 dark:text-emerald-200 [&>svg]:text-emerald-600 dark:[&>svg]:text-emerald-400",
      warning: "border-amber-500/30 bg-amber-50 text-amber-900 dark:bg-amber-400/10 dark:text-amber-200 [&>svg]:text-amber-600 dark:[&>svg]:text-amber-400",
      error: "border-red-600/25 bg-red-50 text-red-900 dark:bg-red-500/10 dark:text-red-200 [&>svg]:text-red-600 dark:[&>svg]:text-red-400",
    },
  },
  defaultVariants: { variant: "info" },
});

const icons = { info: Info, success: CircleCheck, warning: TriangleAlert, error: CircleAlert };

/** Errors are announced at once (role="alert"); the other variants politely (role="status"). */
export function Alert({
  className,
  variant,
  title,
  children,
  ...props
}: Omit<ComponentProps<"div">, "title"> & VariantProps<typeof alertVariants> & { title?: ReactNode }) {
  const Icon = icons[variant ?? "info"];
  return (
    <div role={variant === "error" ? "alert" : "status"} className={cn(alertVariants({ variant }), className)} {...props}>
      <Icon aria-hidden />
      <div className="min-w-0 flex-1 space-y-1">
        {title ? <p className="font-medium">{title}</p> : null}
        {children ? <div className={cn(title ? "opacity-90" : "")}>{children}</div> : null}
      </div>
    </div>
  );
}
