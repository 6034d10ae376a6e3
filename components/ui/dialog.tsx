"use client";

import { X } from "lucide-react";
import { createContext, useCallback, useContext, useEffect, useId, useMemo, useRef, useState, type ComponentProps, type ReactNode } from "react";
import { cn } from "@/lib/utils/cn";
import { Button, type ButtonVariantProps } from "./button";

interface DialogState {
  open: () => void;
  close: () => void;
  /** Called by the <dialog>'s close event, which also fires on Escape. */
  closed: () => void;
  isOpen: boolean;
  dialogRef: React.RefObject<HTMLDialogElement | null>;
  titleId: string;
  descriptionId: string;
}

const DialogContext = createContext<DialogState | null>(null);

/** Open, close and state of the enclosing <Dialog>, e.g. to close it after a form succeeds. */
export function useDialog(): DialogState {
  const state = useContext(DialogContext);
  if (!state) throw new Error("useDialog must be used inside <Dialog>");
  return state;
}

/** Closes the enclosing <Dialog> once its form's action reports success. */
export function useCloseOnSuccess(state: { ok?: boolean }) {
  const { close } = useDialog();
  useEffect(() => {
    if (state.ok) close();
  }, [state, close]);
}

/**
 * A modal built on the native <dialog>: showModal() gives focus trapping, Escape to close, the
 * backdrop and the top layer for free; focus returns to the trigger when it closes.
 */
export function Dialog({ children }: { children: ReactNode }) {
  const dialogRef = useRef<HTMLDialogElement>(null);
  const [isOpen, setOpen] = useState(false);
  const titleId = useId();
  const descriptionId = useId();
  const open = useCallback(() => {
    dialogRef.current?.showModal();
    setOpen(true);
  }, []);
  const close = useCallback(() => dialogRef.current?.close(), []);
  const closed = useCallback(() => setOpen(false), []);
  const value = useMemo(
    () => ({ open, close, closed, isOpen, dialogRef, titleId, descriptionId }),
    [open, close, closed, isOpen, titleId, descriptionId],
  );
  return <DialogContext.Provider value={value}>{children}</DialogContext.Provider>;
}

export function DialogTrigger({ className, variant, size, onClick, ...props }: ComponentProps<"button"> & ButtonVariantProps) {
  const { open, isOpen } = useDialog();
  return (
    <Button
      variant={variant}
      size={size}
      className={className}
      aria-haspopup="dialog"
      aria-expanded={isOpen}
      onClick={(event) => {
        onClick?.(event);
        if (!event.defaultPrevented) open();
      }}
      {...props}
    />
  );
}

export function DialogContent({
  title,
  description,
  children,
  className,
}: {
  title: ReactNode;
  description?: ReactNode;
  children: ReactNode;
  className?: string;
}) {
  const { dialogRef, titleId, descriptionId, close, closed, isOpen } = useDialog();
  return (
    <dialog
      ref={dialogRef}
      aria-labelledby={titleId}
      aria-describedby={description ? descriptionId : undefined}
      onClose={closed}
      onClick={(event) => {
        // A click whose target is the <dialog> itself landed on the backdrop.
        if (event.target === event.currentTarget) close();
      }}
      className={cn(
        "m-auto w-[calc(100%-2rem)] max-w-lg rounded-xl text-left border border-border bg-card p-0 text-card-foreground shadow-xl backdrop:bg-black/50",
        className,
      )}
    >
      {/* Children mount only while open, so forms start fresh each time. */}
      {isOpen ? (
        <div className="flex max-h-[85vh] flex-col">
          <div className="flex items-start justify-between gap-4 px-5 pt-5 pb-2">
            <div className="space-y-1">
              <h2 id={titleId} className="text-base font-semibold">
                {title}
              </h2>
              {description ? (
                <p id={descriptionId} className="text-sm text-muted-foreground">
                  {description}
                </p>
              ) : null}
            </div>
            <Button variant="ghost" size="icon" className="-mt-1 -mr-2 size-7" onClick={close} aria-label="Close">
              <X aria-hidden />
            </Button>
          </div>
          <div className="overflow-y-auto px-5 pt-2 pb-5">{children}</div>
        </div>
      ) : null}
    </dialog>
  );
}

export function DialogFooter({ className, ...props }: ComponentProps<"div">) {
  return <div className={cn("mt-5 flex flex-col-reverse gap-2 sm:flex-row sm:justify-end", className)} {...props} />;
}

export function DialogClose({ children = "Cancel", variant = "secondary", ...props }: ComponentProps<"button"> & ButtonVariantProps) {
  const { close } = useDialog();
  return (
    <Button variant={variant} onClick={close} {...props}>
      {children}
    </Button>
  );
}
