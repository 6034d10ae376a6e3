"use client";

import { ThumbsDown, ThumbsUp } from "lucide-react";
import { useActionState, useState } from "react";
import { Alert } from "@/components/ui/alert";
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from "@/components/ui/card";
import { Input } from "@/components/ui/input";
import { Label } from "@/components/ui/label";
import { SubmitButton } from "@/components/ui/submit-button";
import type { FormState } from "@/lib/forms/form-state";
import { cn } from "@/lib/utils/cn";

/** Human feedback on one log, as Cloudflare's: thumbs up or down (or none) and a 0–100 score. */
export function FeedbackCard({
  feedback,
  score,
  canGiveFeedback,
  action,
}: {
  feedback: number;
  score: number | null;
  canGiveFeedback: boolean;
  action: (state: FormState, form: FormData) => Promise<FormState>;
}) {
  const [state, formAction] = useActionState(action, {});
  const [thumb, setThumb] = useState(feedback);
  return (
    <Card>
      <CardHeader>
        <CardTitle>Feedback</CardTitle>
        <CardDescription>Rate this answer; evaluations and the logs API (PATCH …/logs/{"{id}"}) read the same values.</CardDescription>
      </CardHeader>
      <CardContent>
        <form action={formAction} className="flex flex-wrap items-end gap-3">
          <input type="hidden" name="feedback" value={thumb} />
          <div className="space-y-1.5">
            <span className="block text-sm font-medium">Thumbs</span>
            <div className="flex gap-1" role="group" aria-label="Thumbs">
              {[
                { value: 1, label: "Thumbs up", Icon: ThumbsUp },
                { value: -1, label: "Thumbs down", Icon: ThumbsDown },
              ].map(({ value, label, Icon }) => (
                <button
                  key={value}
                  type="button"
                  aria-label={label}
                  aria-pressed={thumb === value}
                  disabled={!canGiveFeedback}
                  onClick={() => setThumb(thumb === value ? 0 : value)}
                  className={cn(
                    "inline-flex size-9 items-center justify-center rounded-md border border-border hover:bg-muted disabled:opacity-50",
                    thumb === value && (value === 1 ? "border-green-600 bg-green-600/10 text-green-700 dark:text-green-400" : "border-red-600 bg-red-600/10 text-red-700 dark:text-red-400"),
                  )}
                >
                  <Icon aria-hidden className="size-4" />
                </button>
              ))}
            </div>
          </div>
          <div className="space-y-1.5">
            <Label htmlFor="feedback-score" className="block">
              Score (0–100)
            </Label>
            <Input id="feedback-score" name="score" type="number" min={0} max={100} step={1} className="w-28" defaultValue={score ?? ""} disabled={!canGiveFeedback} />
          </div>
          {canGiveFeedback ? <SubmitButton pendingLabel="Saving…">Save feedback</SubmitButton> : <p className="text-sm text-muted-foreground">Members and above can give feedback.</p>}
        </form>
        {state.error ? (
          <Alert variant="error" className="mt-3">
            {state.fieldErrors && Object.keys(state.fieldErrors).length > 0 ? Object.values(state.fieldErrors).join(" ") : state.error}
          </Alert>
        ) : state.ok ? (
          <p role="status" className="mt-3 text-sm text-green-700 dark:text-green-400">
            {state.message}
          </p>
        ) : null}
      </CardContent>
    </Card>
  );
}
