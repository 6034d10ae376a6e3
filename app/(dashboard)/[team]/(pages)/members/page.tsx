import { UserPlus } from "lucide-react";
import type { Metadata } from "next";
import { ConfirmAction } from "@/components/confirm-action";
import { Badge } from "@/components/ui/badge";
import { Card, CardDescription, CardHeader, CardTitle } from "@/components/ui/card";
import { Dialog, DialogContent, DialogTrigger } from "@/components/ui/dialog";
import { PageHeader } from "@/components/ui/page-header";
import { Table, TableBody, TableCell, TableHead, TableHeader, TableRow } from "@/components/ui/table";
import { roles, type Role } from "@/db/schema";
import { requireTeam } from "@/lib/auth/team";
import { listInvitations } from "@/lib/services/invitations/list";
import { listMembers } from "@/lib/services/members/list";
import { roleAtLeast, roleNeededToGrant } from "@/lib/services/roles";
import { formatDate, formatIsoUtc } from "@/lib/utils/format";
import { changeRoleAction, inviteAction, removeMemberAction, revokeInvitationAction } from "./actions";
import { InviteForm, RoleForm } from "./member-forms";

export const metadata: Metadata = { title: "Members" };

const STATUS_VARIANT = { pending: "accent", accepted: "success", revoked: "neutral", expired: "warning" } as const;

export default async function MembersPage({ params }: { params: Promise<{ team: string }> }) {
  const { team: slug } = await params;
  const { ctx, team, role, user } = await requireTeam(slug);
  const isAdmin = roleAtLeast(role, "admin");
  const [members, invitations] = await Promise.all([
    listMembers({ ctx, teamId: team.id }),
    // Only admins manage invitations; the service refuses everyone else.
    isAdmin ? listInvitations({ ctx, teamId: team.id }) : Promise.resolve([]),
  ]);
  const grantable: Role[] = roles.filter((r) => roleAtLeast(role, roleNeededToGrant(r)));
  const owners = members.filter((m) => m.role === "owner").length;

  const invite = isAdmin ? (
    <Dialog>
      <DialogTrigger>
        <UserPlus aria-hidden />
        Invite
      </DialogTrigger>
      <DialogContent title="Invite to the team" description="Creates a single-use link that expires.">
        <InviteForm action={inviteAction.bind(null, team.slug)} grantable={grantable} />
      </DialogContent>
    </Dialog>
  ) : null;

  return (
    <>
      <PageHeader
        title="Members"
        description="Everyone in the team and their role. Owners and admins manage members; only owners can make or change owners."
        actions={invite}
      />
      <div className="space-y-6">
        <Card>
          <Table>
            <TableHeader>
              <TableRow>
                <TableHead>Member</TableHead>
                <TableHead>Role</TableHead>
                <TableHead>Joined</TableHead>
                <TableHead>
                  <span className="sr-only">Actions</span>
                </TableHead>
              </TableRow>
            </TableHeader>
            <TableBody>
              {members.map((member) => {
                const self = member.userId === user.id;
                const lastOwner = member.role === "owner" && owners <= 1;
                // Changing an owner takes owner; otherwise admin, within what the actor may grant.
                const canChange = !self && isAdmin && (member.role !== "owner" || role === "owner");
                const canRemove = self ? !lastOwner : canChange;
                const display = member.name ?? member.email;
                return (
                  <TableRow key={member.userId}>
                    <TableCell>
                      <div className="flex items-center gap-3">
                        <span aria-hidden className="flex size-8 shrink-0 items-center justify-center rounded-full bg-muted text-xs font-semibold text-muted-foreground uppercase">
                          {display.charAt(0)}
                        </span>
                        <div className="min-w-0">
                          <p className="truncate font-medium">
                            {display}
                            {self ? <Badge className="ml-2">you</Badge> : null}
                          </p>
                          {member.name ? <p className="truncate text-xs text-muted-foreground">{member.email}</p> : null}
                        </div>
                      </div>
                    </TableCell>
                    <TableCell>
                      {canChange ? (
                        <RoleForm
                          action={changeRoleAction.bind(null, team.slug, member.userId)}
                          role={member.role}
                          grantable={grantable}
                          label={`Role of ${display}`}
                        />
                      ) : (
                        <span className="capitalize">{member.role}</span>
                      )}
                    </TableCell>
                    <TableCell className="whitespace-nowrap text-muted-foreground">
                      <span title={formatIsoUtc(member.joinedAt)}>{formatDate(member.joinedAt)}</span>
                    </TableCell>
                    <TableCell className="text-right">
                      {canRemove ? (
                        <ConfirmAction
                          trigger={self ? "Leave team" : "Remove"}
                          triggerLabel={self ? "Leave the team" : `Remove ${display}`}
                          triggerVariant="destructive-ghost"
                          title={self ? `Leave ${team.name}?` : `Remove ${display}?`}
                          description={
                            self
                              ? "You lose access to the team's gateways, keys and logs. An admin can invite you again."
                              : "They lose access at once, and their playground token is revoked. Gateway tokens they created keep working."
                          }
                          confirmLabel={self ? "Leave team" : "Remove member"}
                          pendingLabel={self ? "Leaving…" : "Removing…"}
                          action={removeMemberAction.bind(null, team.slug, member.userId)}
                        />
                      ) : self && lastOwner ? (
                        <span className="text-xs text-muted-foreground">Last owner</span>
                      ) : null}
                    </TableCell>
                  </TableRow>
                );
              })}
            </TableBody>
          </Table>
        </Card>

        {isAdmin ? (
          <Card>
            <CardHeader>
              <CardTitle>Invitations</CardTitle>
              <CardDescription>Single-use join links. The link itself is shown only when it is created.</CardDescription>
            </CardHeader>
            {invitations.length === 0 ? (
              <p className="px-5 py-4 text-sm text-muted-foreground">No invitations yet. Use Invite to create a link for a colleague.</p>
            ) : (
              <Table>
                <TableHeader>
                  <TableRow>
                    <TableHead>For</TableHead>
                    <TableHead>Role</TableHead>
                    <TableHead>Status</TableHead>
                    <TableHead>Created</TableHead>
                    <TableHead>Expires</TableHead>
                    <TableHead>
                      <span className="sr-only">Actions</span>
                    </TableHead>
                  </TableRow>
                </TableHeader>
                <TableBody>
                  {invitations.map((invitation) => (
                    <TableRow key={invitation.id}>
                      <TableCell>{invitation.email ?? <span className="text-muted-foreground">Anyone with the link</span>}</TableCell>
                      <TableCell className="capitalize">{invitation.role}</TableCell>
                      <TableCell>
                        <Badge variant={STATUS_VARIANT[invitation.status]} className="capitalize">
                          {invitation.status}
                        </Badge>
                      </TableCell>
                      <TableCell className="whitespace-nowrap text-muted-foreground">
                        {formatDate(invitation.createdAt)}
                        {invitation.createdByEmail ? <span className="block text-xs">{invitation.createdByEmail}</span> : null}
                      </TableCell>
                      <TableCell className="whitespace-nowrap text-muted-foreground">{formatDate(invitation.expiresAt)}</TableCell>
                      <TableCell className="text-right">
                        {invitation.status === "pending" && roleAtLeast(role, roleNeededToGrant(invitation.role)) ? (
                          <ConfirmAction
                            trigger="Revoke"
                            triggerLabel={`Revoke the ${invitation.role} invitation${invitation.email ? ` for ${invitation.email}` : ""}`}
                            triggerVariant="destructive-ghost"
                            title="Revoke this invitation?"
                            description="The link stops working at once."
                            confirmLabel="Revoke"
                            pendingLabel="Revoking…"
                            action={revokeInvitationAction.bind(null, team.slug, invitation.id)}
                          />
                        ) : null}
                      </TableCell>
                    </TableRow>
                  ))}
                </TableBody>
              </Table>
            )}
          </Card>
        ) : null}
      </div>
    </>
  );
}
