"use server";

import { revalidatePath } from "next/cache";
import { redirect } from "next/navigation";
import { roles, type Role } from "@/db/schema";
import { requireTeam } from "@/lib/auth/team";
import { createInvitation } from "@/lib/services/invitations/create";
import { revokeInvitation } from "@/lib/services/invitations/revoke";
import { changeMemberRole } from "@/lib/services/members/change-role";
import { removeMember } from "@/lib/services/members/remove";
import { formError, type FormState } from "@/lib/forms/form-state";

export interface InviteState extends FormState {
  /** The join link: shown once, never stored (only its hash is). */
  url?: string;
  role?: Role;
}

function roleFrom(form: FormData): Role {
  const value = String(form.get("role") ?? "");
  return (roles as readonly string[]).includes(value) ? (value as Role) : ("" as Role);
}

export async function changeRoleAction(teamSlug: string, userId: string, _previous: FormState, form: FormData): Promise<FormState> {
  const { ctx, team, role } = await requireTeam(teamSlug);
  try {
    await changeMemberRole({ ctx, teamId: team.id, userId, role: roleFrom(form) });
  } catch (error) {
    return formError(error, { role, doing: "give this role" });
  }
  revalidatePath(`/${team.slug}`, "layout");
  return { ok: true };
}

export async function removeMemberAction(teamSlug: string, userId: string, _previous: FormState, _form: FormData): Promise<FormState> {
  const { ctx, team, role, user } = await requireTeam(teamSlug);
  try {
    await removeMember({ ctx, teamId: team.id, userId });
  } catch (error) {
    return formError(error, { role, doing: "remove this member" });
  }
  // Leaving the team: its pages are no longer ours to see.
  if (userId === user.id) redirect("/");
  revalidatePath(`/${team.slug}/members`);
  return { ok: true };
}

export async function inviteAction(teamSlug: string, _previous: InviteState, form: FormData): Promise<InviteState> {
  const { ctx, team, role } = await requireTeam(teamSlug);
  try {
    const created = await createInvitation({
      ctx,
      teamId: team.id,
      role: roleFrom(form),
      email: String(form.get("email") ?? ""),
      expiresInDays: Number(form.get("expiresInDays") ?? 7),
    });
    revalidatePath(`/${team.slug}/members`);
    return { ok: true, url: created.url, role: created.invitation.role };
  } catch (error) {
    return formError(error, { role, doing: "invite with this role" });
  }
}

export async function revokeInvitationAction(teamSlug: string, invitationId: string, _previous: FormState, _form: FormData): Promise<FormState> {
  const { ctx, team, role } = await requireTeam(teamSlug);
  try {
    await revokeInvitation({ ctx, teamId: team.id, invitationId });
  } catch (error) {
    return formError(error, { role, doing: "revoke this invitation" });
  }
  revalidatePath(`/${team.slug}/members`);
  return { ok: true };
}
