import Link from "next/link";
import type { ReactNode } from "react";
import { TAB_LIST_CLASS, tabClass } from "./tab-style";

export interface LinkTab {
  id: string;
  label: string;
  href: string;
}

/**
 * Tabs whose choice lives in the URL: each tab is a link and the server renders only the selected
 * panel, for panels too costly to render all at once (the analytics breakdowns).
 */
export function LinkTabs({ items, selected, label, children }: { items: LinkTab[]; selected: string; label: string; children: ReactNode }) {
  const current = items.find((item) => item.id === selected);
  return (
    <div>
      <div role="tablist" aria-label={label} className={TAB_LIST_CLASS}>
        {items.map((item) => (
          <Link key={item.id} href={item.href} scroll={false} role="tab" aria-selected={item.id === selected} className={tabClass(item.id === selected)}>
            {item.label}
          </Link>
        ))}
      </div>
      <div role="tabpanel" aria-label={current?.label} className="pt-3">
        {children}
      </div>
    </div>
  );
}
