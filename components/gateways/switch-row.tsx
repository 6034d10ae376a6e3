"use client";

import { fieldDescriptionId } from "@/components/ui/field";
import { Label } from "@/components/ui/label";
import { Switch } from "@/components/ui/switch";

/** A switch with its label and a hint below, which an error replaces: the content-control cards' on/off settings. */
export function SwitchRow({ id, label, hint, error, checked, onChange }: { id: string; label: string; hint: string; error?: string; checked: boolean; onChange: (checked: boolean) => void }) {
  return (
    <div className="flex items-start gap-3">
      <Switch id={id} checked={checked} onChange={(event) => onChange(event.target.checked)} aria-describedby={fieldDescriptionId(id)} className="mt-0.5" />
      <div className="space-y-1">
        <Label htmlFor={id}>{label}</Label>
        <p id={fieldDescriptionId(id)} className={error ? "text-xs text-destructive" : "text-xs text-muted-foreground"}>
          {error ?? hint}
        </p>
      </div>
    </div>
  );
}
