"use client";

import { Check, ChevronsUpDown, Plus } from "lucide-react";
import Link from "next/link";
import { usePathname } from "next/navigation";
import { useEffect, useId, useRef, useState } from "react";
import type { FormState } from "@/lib/forms/form-state";
import { Dialog, DialogClose, DialogContent, useDialog } from "@/components/ui/dialog";
import { cn } from "@/lib/utils/cn";
import { CreateTeamForm } from "./create-team-form";

export interface SwitcherTeam {
  slug: string;
  name: string;
  role: string;
}

/** The current team and a menu of the user's other teams, with "Create team". */
export function TeamSwitcher(props: {
  current: SwitcherTeam;
  teams: SwitcherTeam[];
  createTeam: (state: FormState, form: FormData) => Promise<FormState>;
}) {
  return (
    <Dialog>
      <SwitcherMenu {...props} />
      <DialogContent title="Create a team" description="You become its owner. Gateways, keys and logs are separate per team.">
        <CreateTeamForm action={props.createTeam} footer={<DialogClose />} />
      </DialogContent>
    </Dialog>
  );
}

function SwitcherMenu({ current, teams }: { current: SwitcherTeam; teams: SwitcherTeam[] }) {
  const [open, setOpen] = useState(false);
  const menuId = useId();
  const root = useRef<HTMLDivElement>(null);
  const button = useRef<HTMLButtonElement>(null);
  const dialog = useDialog();
  const pathname = usePathname();

  // Navigating to another team closes the menu.
  const [lastPath, setLastPath] = useState(pathname);
  if (pathname !== lastPath) {
    setLastPath(pathname);
    setOpen(false);
  }

  useEffect(() => {
    if (!open) return;
    const onPointer = (event: PointerEvent) => {
      if (!root.current?.contains(event.target as Node)) setOpen(false);
    };
    const onKey = (event: KeyboardEvent) => {
      if (event.key === "Escape") {
        setOpen(false);
        button.current?.focus();
      }
    };
    document.addEventListener("pointerdown", onPointer);
    document.addEventListener("keydown", onKey);
    return () => {
      document.removeEventListener("pointerdown", onPointer);
      document.removeEventListener("keydown", onKey);
    };
  }, [open]);

  function moveFocus(event: React.KeyboardEvent<HTMLDivElement>) {
    if (event.key !== "ArrowDown" && event.key !== "ArrowUp") return;
    event.preventDefault();
    const items = [...(root.current?.querySelectorAll<HTMLElement>("[data-menu-item]") ?? [])];
    const at = items.indexOf(document.activeElement as HTMLElement);
    const next = event.key === "ArrowDown" ? (at + 1) % items.length : (at - 1 + items.length) % items.length;
    items[next]?.focus();
  }

  return (
    <div ref={root} className="relative" onKeyDown={moveFocus}>
      <button
        ref={button}
        type="button"
        aria-haspopup="true"
        aria-expanded={open}
        aria-controls={menuId}
        onClick={() => setOpen((value) => !value)}
        className="flex w-full items-center gap-2.5 rounded-md px-2 py-1.5 text-left transition-colors outline-none hover:bg-muted focus-visible:ring-2 focus-visible:ring-ring"
      >
        <TeamAvatar name={current.name} />
        <span className="min-w-0 flex-1">
          <span className="block truncate text-sm font-medium">{current.name}</span>
          <span className="block truncate text-xs text-muted-foreground capitalize">{current.role}</span>
        </span>
        <ChevronsUpDown aria-hidden className="size-4 shrink-0 text-muted-foreground" />
      </button>
      {open ? (
        <div
          id={menuId}
          className="absolute inset-x-0 top-full z-50 mt-1 rounded-lg border border-border bg-card p-1 shadow-lg"
        >
          <p className="px-2 pt-1.5 pb-1 text-xs font-medium text-muted-foreground">Teams</p>
          <ul className="max-h-64 overflow-y-auto">
            {teams.map((team) => (
              <li key={team.slug}>
                <Link
                  data-menu-item
                  href={`/${team.slug}`}
                  aria-current={team.slug === current.slug ? "page" : undefined}
                  onClick={() => setOpen(false)}
                  className="flex items-center gap-2 rounded-md px-2 py-1.5 text-sm outline-none hover:bg-muted focus-visible:bg-muted focus-visible:ring-2 focus-visible:ring-ring"
                >
                  <TeamAvatar name={team.name} small />
                  <span className="min-w-0 flex-1 truncate">{team.name}</span>
                  {team.slug === current.slug ? <Check aria-label="current team" className="size-4 text-primary" /> : null}
                </Link>
              </li>
            ))}
          </ul>
          <div className="my-1 border-t border-border" />
          <button
            data-menu-item
            type="button"
            onClick={() => {
              setOpen(false);
              dialog.open();
            }}
            className="flex w-full items-center gap-2 rounded-md px-2 py-1.5 text-sm outline-none hover:bg-muted focus-visible:bg-muted focus-visible:ring-2 focus-visible:ring-ring"
          >
            <Plus aria-hidden className="size-4 text-muted-foreground" />
            Create team
          </button>
        </div>
      ) : null}
    </div>
  );
}

function TeamAvatar({ name, small = false }: { name: string; small?: boolean }) {
  return (
    <span
      aria-hidden
      className={cn(
        "flex shrink-0 items-center justify-center rounded-md bg-primary font-semibold text-primary-foreground uppercase",
        small ? "size-5 text-[10px]" : "size-7 text-xs",
      )}
    >
      {name.trim().charAt(0) || "?"}
    </span>
  );
}
