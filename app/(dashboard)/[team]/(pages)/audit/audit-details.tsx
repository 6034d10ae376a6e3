/** One line per recorded field: `field: before → after` for a change, `field: value` otherwise. */
export function AuditDetails({ details }: { details: Record<string, unknown> | null }) {
  const lines = details ? detailLines(details) : [];
  if (lines.length === 0) return <span className="text-muted-foreground">–</span>;
  return (
    <ul className="space-y-0.5 font-mono text-xs">
      {lines.map(([field, text]) => (
        <li key={field} className="truncate" title={`${field}: ${text}`}>
          <span className="text-muted-foreground">{field}:</span> {text}
        </li>
      ))}
    </ul>
  );
}

function isChange(value: unknown): value is { from: unknown; to: unknown } {
  return typeof value === "object" && value !== null && "from" in value && "to" in value && Object.keys(value).length === 2;
}

function show(value: unknown): string {
  return value === null || value === undefined ? "none" : typeof value === "string" ? value : JSON.stringify(value);
}

function detailLines(details: Record<string, unknown>, prefix = ""): [string, string][] {
  return Object.entries(details).flatMap(([name, value]): [string, string][] => {
    const field = `${prefix}${name}`;
    if (isChange(value)) return [[field, `${show(value.from)} → ${show(value.to)}`]];
    // An update's `changes` holds the changed fields: list them as fields of their own.
    if (name === "changes" && typeof value === "object" && value !== null) return detailLines(value as Record<string, unknown>, prefix);
    return [[field, show(value)]];
  });
}
