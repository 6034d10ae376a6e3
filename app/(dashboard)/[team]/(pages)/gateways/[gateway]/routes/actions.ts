"use server";

import { revalidatePath } from "next/cache";
import { redirect } from "next/navigation";
import { STARTER_ELEMENTS } from "@/components/routes/starter";
import { requireTeam, type TeamSession } from "@/lib/auth/team";
import { ServiceError } from "@/lib/services/errors";
import { createRoute } from "@/lib/services/routes/create";
import { deleteRoute } from "@/lib/services/routes/delete";
import { deployRoute } from "@/lib/services/routes/deploy";
import { rollbackRoute } from "@/lib/services/routes/rollback";
import { saveRouteVersion } from "@/lib/services/routes/save-version";
import { testRouteRequest, type RouteTestOutcome } from "@/lib/services/routes/test";
import { formError, type FormState } from "@/lib/forms/form-state";

const routesPath = (teamSlug: string, gatewaySlug: string) => `/${teamSlug}/gateways/${gatewaySlug}/routes`;

/** Runs a change to a route and answers the form that asked for it. */
async function change(teamSlug: string, gatewaySlug: string, doing: string, run: (session: TeamSession) => Promise<string | void>): Promise<FormState> {
  const session = await requireTeam(teamSlug);
  let message: string | void;
  try {
    message = await run(session);
  } catch (error) {
    return formError(error, { role: session.role, doing });
  }
  revalidatePath(routesPath(session.team.slug, gatewaySlug), "layout");
  return { ok: true, message: message ?? undefined };
}

/** A new route from the starter template, then its page. */
export async function createRouteAction(teamSlug: string, gatewaySlug: string, _previous: FormState, form: FormData): Promise<FormState> {
  const name = String(form.get("name") ?? "");
  const state = await change(teamSlug, gatewaySlug, "create routes", async ({ ctx, team }) => {
    await createRoute({ ctx, teamId: team.id, gatewaySlug, name, elements: STARTER_ELEMENTS });
  });
  if (state.ok) redirect(`${routesPath(teamSlug, gatewaySlug)}/${name.trim()}`);
  return state;
}

/** The editor's elements (JSON text) as the route's next version. */
export async function saveVersionAction(teamSlug: string, gatewaySlug: string, routeId: string, _previous: FormState, form: FormData): Promise<FormState> {
  let elements: unknown;
  try {
    elements = JSON.parse(String(form.get("elements") ?? ""));
  } catch {
    return { error: "The elements are not valid JSON." };
  }
  return change(teamSlug, gatewaySlug, "edit routes", async ({ ctx, team }) => {
    const version = await saveRouteVersion({ ctx, teamId: team.id, gatewaySlug, route: routeId, elements });
    return version.valid ? `Saved version ${version.number}. Deploy it to serve traffic.` : `Saved version ${version.number}; fix its problems before deploying it.`;
  });
}

export async function deployVersionAction(teamSlug: string, gatewaySlug: string, routeId: string, version: number, _previous: FormState, _form: FormData): Promise<FormState> {
  return change(teamSlug, gatewaySlug, "deploy routes", async ({ ctx, team }) => {
    await deployRoute({ ctx, teamId: team.id, gatewaySlug, route: routeId, version });
    return `Version ${version} is deployed.`;
  });
}

export async function rollbackAction(teamSlug: string, gatewaySlug: string, routeId: string, _previous: FormState, _form: FormData): Promise<FormState> {
  return change(teamSlug, gatewaySlug, "deploy routes", async ({ ctx, team }) => {
    const { version } = await rollbackRoute({ ctx, teamId: team.id, gatewaySlug, route: routeId });
    return `Rolled back to version ${version.number}.`;
  });
}

export async function deleteRouteAction(teamSlug: string, gatewaySlug: string, routeId: string, _previous: FormState, _form: FormData): Promise<FormState> {
  const state = await change(teamSlug, gatewaySlug, "delete routes", async ({ ctx, team }) => {
    await deleteRoute({ ctx, teamId: team.id, gatewaySlug, route: routeId });
  });
  if (state.ok) redirect(routesPath(teamSlug, gatewaySlug));
  return state;
}

/** The tester: the editor's draft elements and a sample request; calls nothing. */
export async function testRouteAction(
  teamSlug: string,
  gatewaySlug: string,
  routeId: string,
  input: { elements: unknown; sample: unknown },
): Promise<{ result: RouteTestOutcome } | { error: string }> {
  const { ctx, team } = await requireTeam(teamSlug);
  try {
    return { result: await testRouteRequest({ ctx, teamId: team.id, gatewaySlug, route: routeId, elements: input.elements, sample: input.sample }) };
  } catch (error) {
    if (error instanceof ServiceError) return { error: error.message };
    throw error;
  }
}
