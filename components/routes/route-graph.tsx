"use client";

import "@xyflow/react/dist/style.css";
import { Background, Controls, Handle, MarkerType, Position, ReactFlow, type Edge, type Node, type NodeProps } from "@xyflow/react";
import { useMemo } from "react";
import type { RouteElement, RouteStep } from "@/lib/routes/types";
import { cn } from "@/lib/utils/cn";
import { layoutRoute, type GraphNode } from "./graph-layout";

/** Each element type's colour, the same in the legend, the nodes and the editor's hints. */
export const ELEMENT_COLORS: Record<RouteElement["type"], string> = {
  start: "border-zinc-400 bg-zinc-50 dark:bg-zinc-800/60",
  conditional: "border-amber-500 bg-amber-50 dark:bg-amber-500/10",
  percentage: "border-violet-500 bg-violet-50 dark:bg-violet-500/10",
  rate: "border-sky-500 bg-sky-50 dark:bg-sky-500/10",
  model: "border-emerald-500 bg-emerald-50 dark:bg-emerald-500/10",
  end: "border-zinc-500 bg-zinc-100 dark:bg-zinc-700/60",
};

type ElementNode = Node<GraphNode & { dimmed: boolean }, "element">;

function ElementNodeView({ data }: NodeProps<ElementNode>) {
  return (
    <div
      data-testid={`route-node-${data.id}`}
      data-on-path={data.onPath ? "true" : undefined}
      className={cn(
        "w-48 rounded-lg border-2 px-3 py-2 text-left text-xs text-foreground shadow-sm",
        ELEMENT_COLORS[data.type],
        data.onPath && "ring-4 ring-primary/50",
        data.dimmed && "opacity-40",
      )}
    >
      <Handle type="target" position={Position.Left} className="!bg-muted-foreground" />
      <div className="flex items-baseline justify-between gap-2">
        <span className="truncate font-mono font-semibold">{data.id}</span>
        <span className="text-[10px] tracking-wide text-muted-foreground uppercase">{data.type}</span>
      </div>
      {data.summary ? <div className="mt-1 line-clamp-2 font-mono break-all text-muted-foreground">{data.summary}</div> : null}
      <Handle type="source" position={Position.Right} className="!bg-muted-foreground" />
    </div>
  );
}

const nodeTypes = { element: ElementNodeView };

/**
 * The route as a diagram: one node per element coloured by its type, one edge per output labelled
 * with the output's name. With a tested `path`, its elements and outputs stand out and the rest fade.
 */
export function RouteGraph({ elements, path, className }: { elements: RouteElement[]; path?: RouteStep[]; className?: string }) {
  const { nodes, edges } = useMemo(() => {
    const layout = layoutRoute(elements, path);
    const tested = (path?.length ?? 0) > 0;
    return {
      nodes: layout.nodes.map(
        (node): ElementNode => ({
          id: node.id,
          type: "element",
          position: { x: node.x, y: node.y },
          data: { ...node, dimmed: tested && !node.onPath },
          draggable: false,
          connectable: false,
        }),
      ),
      edges: layout.edges.map(
        (edge): Edge => ({
          id: edge.id,
          source: edge.source,
          target: edge.target,
          label: edge.label,
          animated: edge.taken,
          markerEnd: { type: MarkerType.ArrowClosed },
          style: edge.taken ? { stroke: "var(--primary)", strokeWidth: 2.5 } : tested ? { opacity: 0.35 } : undefined,
          labelBgStyle: { fill: "var(--card)" },
          labelStyle: { fill: "var(--foreground)", fontSize: 11 },
        }),
      ),
    };
  }, [elements, path]);
  return (
    <div className={cn("h-96 w-full rounded-lg border border-border bg-subtle", className)} data-testid="route-graph" role="img" aria-label="Route diagram">
      <ReactFlow
        // Remounts on a new shape so fitView frames it again.
        key={nodes.map((n) => n.id).join(",")}
        nodes={nodes}
        edges={edges}
        nodeTypes={nodeTypes}
        fitView
        fitViewOptions={{ padding: 0.2 }}
        nodesConnectable={false}
        elementsSelectable={false}
        colorMode="system"
        proOptions={{ hideAttribution: false }}
      >
        <Background />
        <Controls showInteractive={false} />
      </ReactFlow>
    </div>
  );
}

export function ElementLegend() {
  return (
    <ul className="flex flex-wrap gap-2 text-xs text-muted-foreground" aria-label="Element types">
      {(Object.keys(ELEMENT_COLORS) as RouteElement["type"][]).map((type) => (
        <li key={type} className={cn("rounded border-2 px-1.5 py-0.5 font-mono", ELEMENT_COLORS[type])}>
          {type}
        </li>
      ))}
    </ul>
  );
}
