import { Download } from "lucide-react";
import Link from "next/link";
import { Button, buttonVariants } from "@/components/ui/button";
import { Field } from "@/components/ui/field";
import { Input } from "@/components/ui/input";
import { searchString } from "@/lib/utils/search-string";

/*
 * The parts a list page's filter form shares (the request logs', the audit log's): the filters live
 * in the URL (a GET form), so Reset is a link to the unfiltered list and an export takes the same
 * query string.
 */

/** The From and To (UTC) fields, `from` and `to` in the URL. */
export function UtcRangeFields({ from, to }: { from: string | undefined; to: string | undefined }) {
  return (
    <>
      <Field label="From (UTC)" htmlFor="f-from">
        <Input id="f-from" name="from" type="datetime-local" defaultValue={from} />
      </Field>
      <Field label="To (UTC)" htmlFor="f-to">
        <Input id="f-to" name="to" type="datetime-local" defaultValue={to} />
      </Field>
    </>
  );
}

/** Apply, and Reset (to `base`, the list without filters) when a filter is set. */
export function FilterButtons({ base, filtered }: { base: string; filtered: boolean }) {
  return (
    <div className="flex gap-2">
      <Button type="submit" variant="secondary">
        Apply
      </Button>
      {filtered ? (
        <Link href={base} className={buttonVariants({ variant: "ghost" })}>
          Reset
        </Link>
      ) : null}
    </div>
  );
}

const EXPORT_FORMATS = [
  { format: "csv", label: "CSV" },
  { format: "jsonl", label: "JSON Lines" },
] as const;

/** Downloads of the list as filtered, from `${base}/export`; `compact` for a toolbar ("CSV" rather than "Export CSV"). */
export function ExportLinks({ base, filters, compact = false }: { base: string; filters: Record<string, string | undefined>; compact?: boolean }) {
  return EXPORT_FORMATS.map(({ format, label }) => (
    <a key={format} href={`${base}/export${searchString(filters, { format })}`} className={buttonVariants({ variant: "secondary", size: compact ? "sm" : undefined })} download>
      <Download aria-hidden />
      {compact ? label : `Export ${label}`}
    </a>
  ));
}
