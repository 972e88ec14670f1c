import { LogOut } from "lucide-react";
import { type SetTimeZoneAction, TimeZonePicker } from "@/components/time-zone/time-zone-picker";
import type { TimeZoneChoice } from "@/lib/time";
import type { SessionUser } from "@/server/auth/guard";
import { RoleBadge } from "./role-badge";

/** Who is signed in, atop the phone menu (the top bar has no room for it there). */
export function SignedInAs({ user }: { user: SessionUser }) {
  return (
    <p className="flex items-center gap-2 px-2.5 pb-2 text-sm text-slate-600">
      Signed in as <span className="font-medium text-slate-900">{user.name}</span>
      <RoleBadge role={user.role} />
    </p>
  );
}

/** Name, role, the time zone and a sign-out button; sign-out is a plain form, so it works before hydration too. */
export function UserMenu({
  user,
  signOutAction,
  timeZone,
  setTimeZoneAction,
}: {
  user: SessionUser;
  /** The sign-out server action (server/auth/actions.ts), passed in by the layout. */
  signOutAction: () => Promise<void>;
  timeZone: TimeZoneChoice;
  setTimeZoneAction: SetTimeZoneAction;
}) {
  return (
    <div className="flex items-center gap-2 text-sm sm:gap-3">
      <TimeZonePicker choice={timeZone} action={setTimeZoneAction} />
      <div className="hidden min-w-0 items-center gap-2 leading-tight sm:flex">
        <span className="truncate font-medium text-slate-900" title={user.email}>
          {user.name}
        </span>
        <RoleBadge role={user.role} />
      </div>
      <form action={signOutAction}>
        <button
          type="submit"
          className="inline-flex items-center gap-1.5 rounded-md border border-slate-300 bg-white px-2.5 py-1.5 text-sm font-medium text-slate-700 shadow-sm hover:bg-slate-50 focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-slate-900"
        >
          <LogOut aria-hidden="true" className="size-4" />
          {/* On a phone the icon alone; who is signed in shows at the top of the menu (MainNav). */}
          <span className="sr-only sm:not-sr-only">Sign out</span>
        </button>
      </form>
    </div>
  );
}
