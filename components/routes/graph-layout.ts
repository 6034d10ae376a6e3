import type { RouteElement, RouteStep } from "@/lib/routes/types";

// A type alias, not an interface: React Flow's node data must be assignable to Record<string, unknown>.
export type GraphNode = {
  id: string;
  type: RouteElement["type"];
  /** What the element does, in a few words: `openai/gpt-4o-mini`, `metadata.plan = free`. */
  summary: string;
  x: number;
  y: number;
  /** On the path the tester found. */
  onPath: boolean;
};

export interface GraphEdge {
  id: string;
  source: string;
  target: string;
  /** The output's name: `next`, `true`, `10%`, `fallback`. */
  label: string;
  /** Taken by the path the tester found. */
  taken: boolean;
}

const COLUMN = 240;
const ROW = 120;

function summary(element: RouteElement): string {
  switch (element.type) {
    case "conditional":
      return JSON.stringify(element.properties.conditions);
    case "rate": {
      const { limit, window, key, limitType } = element.properties;
      return `${limitType === "cost" ? `$${limit}` : limit} per ${window}s by ${key}`;
    }
    case "model":
      return `${element.properties.provider}/${element.properties.model}`;
    case "percentage":
      return Object.keys(element.outputs).join(" · ");
    default:
      return "";
  }
}

/**
 * Places elements in columns by their distance from `start` (breadth first), each column's rows
 * centred on the first's; elements `start` cannot reach go in a last column, where they stand out.
 * `path` marks the elements and outputs a tested request went through.
 */
export function layoutRoute(elements: RouteElement[], path: RouteStep[] = []): { nodes: GraphNode[]; edges: GraphEdge[] } {
  const byId = new Map(elements.map((e) => [e.id, e]));
  const depth = new Map<string, number>();
  const queue = elements.filter((e) => e.type === "start").map((e) => e.id);
  for (const id of queue) depth.set(id, 0);
  while (queue.length > 0) {
    const id = queue.shift()!;
    for (const output of Object.values(byId.get(id)?.outputs ?? {})) {
      const target = (output as { elementId?: string } | undefined)?.elementId;
      if (target && byId.has(target) && !depth.has(target)) {
        depth.set(target, depth.get(id)! + 1);
        queue.push(target);
      }
    }
  }
  const unreachable = Math.max(-1, ...depth.values()) + 1;
  const columns = new Map<number, string[]>();
  for (const element of elements) {
    const column = depth.get(element.id) ?? unreachable;
    columns.set(column, [...(columns.get(column) ?? []), element.id]);
  }
  const position = new Map<string, { x: number; y: number }>();
  for (const [column, ids] of columns) {
    ids.forEach((id, row) => position.set(id, { x: column * COLUMN, y: (row - (ids.length - 1) / 2) * ROW }));
  }
  const visited = new Set(path.map((step) => step.elementId));
  const taken = new Set(path.filter((step) => step.output !== undefined).map((step) => `${step.elementId}:${step.output}`));
  const nodes = elements.map((element) => ({
    id: element.id,
    type: element.type,
    summary: summary(element),
    ...position.get(element.id)!,
    onPath: visited.has(element.id),
  }));
  const edges = elements.flatMap((element) =>
    Object.entries(element.outputs ?? {}).flatMap(([label, output]) => {
      const target = (output as { elementId?: string } | undefined)?.elementId;
      if (!target || !byId.has(target)) return [];
      return [{ id: `${element.id}:${label}`, source: element.id, target, label, taken: taken.has(`${element.id}:${label}`) }];
    }),
  );
  return { nodes, edges };
}
