import type { Metadata } from "next";
import { STACKED_TABLE } from "@/components/auth/stacked-table";
import { CreateUserForm, UserRow } from "@/components/auth/users-admin";
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from "@/components/ui/card";
import { Table, TableBody, TableHead, TableHeader, TableRow } from "@/components/ui/table";
import { getDb } from "@/db/client";
import { requireUser } from "@/server/auth/guard";
import { MIN_PASSWORD_LENGTH } from "@/server/auth/policy";
import { listUsers } from "@/server/auth/users";
import {
  changeRoleAction,
  createUserAction,
  deactivateUserAction,
  reactivateUserAction,
  resetPasswordAction,
} from "./actions";

export const metadata: Metadata = { title: "Users" };
export const dynamic = "force-dynamic";

export default async function AdminUsersPage() {
  const admin = await requireUser("admin");
  const users = await listUsers(getDb());
  const rowActions = {
    changeRole: changeRoleAction,
    resetPassword: resetPasswordAction,
    deactivate: deactivateUserAction,
    reactivate: reactivateUserAction,
  };

  return (
    <div className="space-y-6">
      <div>
        <h1 className="text-2xl font-semibold tracking-tight text-slate-900">Users</h1>
        <p className="mt-1 text-sm text-slate-600">
          Who can sign in and what they may do. Technicians work on repairs, managers also read sync
          timelines, admins also manage users and integrations.
        </p>
      </div>

      <Card aria-labelledby="add-user-heading">
        <CardHeader>
          <div>
            <CardTitle id="add-user-heading">Add a user</CardTitle>
            <CardDescription>There is no public sign-up: people get an account here.</CardDescription>
          </div>
        </CardHeader>
        <CardContent>
          <CreateUserForm action={createUserAction} minPasswordLength={MIN_PASSWORD_LENGTH} />
        </CardContent>
      </Card>

      <Card aria-labelledby="all-users-heading">
        <CardHeader>
          <div>
            <CardTitle id="all-users-heading">All users</CardTitle>
            <CardDescription>
              {users.length} {users.length === 1 ? "account" : "accounts"}. Deactivated users are signed out
              and cannot sign in.
            </CardDescription>
          </div>
        </CardHeader>
        <Table aria-labelledby="all-users-heading" className={STACKED_TABLE}>
          <TableHeader>
            <TableRow className="hover:bg-transparent">
              <TableHead>Name</TableHead>
              <TableHead>Email</TableHead>
              <TableHead>Role</TableHead>
              <TableHead>Status</TableHead>
              <TableHead>Created</TableHead>
              <TableHead className="relative text-right">
                <span className="sr-only">Actions</span>
              </TableHead>
            </TableRow>
          </TableHeader>
          <TableBody>
            {users.map((user) => (
              <UserRow
                key={user.id}
                user={{
                  id: user.id,
                  name: user.name,
                  email: user.email,
                  role: user.role,
                  active: user.active,
                  createdIso: user.createdAt.toISOString(),
                }}
                isSelf={user.id === admin.id}
                actions={rowActions}
                minPasswordLength={MIN_PASSWORD_LENGTH}
              />
            ))}
          </TableBody>
        </Table>
      </Card>
    </div>
  );
}
