import { cn } from "@/lib/utils/cn";

/** The tab list and a tab, shared by client-side tabs and tabs that are links. */
export const TAB_LIST_CLASS = "flex gap-1 overflow-x-auto border-b border-border";

export function tabClass(active: boolean): string {
  return cn(
    "-mb-px border-b-2 px-3 py-2 text-sm font-medium whitespace-nowrap transition-colors outline-none focus-visible:rounded-t-md focus-visible:ring-2 focus-visible:ring-ring focus-visible:ring-inset",
    active ? "border-primary text-foreground" : "border-transparent text-muted-foreground hover:text-foreground",
  );
}
