"use client";

import { LoaderCircle } from "lucide-react";
import { useEffect, useId, useState } from "react";
import { Button } from "@/components/ui/button";
import { Input } from "@/components/ui/input";
import { Label } from "@/components/ui/label";
import { authClient } from "./auth-client";

type DemoAccount = { email: string; name: string; role: string };

type Props = {
  /** Already checked with safeNextPath on the server. */
  next: string;
  demo?: { accounts: DemoAccount[]; password: string } | null;
};

const WRONG_CREDENTIALS = "Wrong e-mail or password.";

function rateLimitedMessage(retryAfterSeconds: number | null): string {
  const wait = retryAfterSeconds && retryAfterSeconds > 0 ? `${retryAfterSeconds} seconds` : "a minute";
  return `Too many sign-in attempts. Wait ${wait} and try again.`;
}

/**
 * Posts to better-auth's /api/auth/sign-in/email from the browser, so the request passes its rate
 * limiter (server-side auth.api calls skip it). The button stays disabled until hydration so a form
 * can never be submitted natively; method="post" keeps a password out of any URL regardless.
 */
export function SignInForm({ next, demo }: Props) {
  const [hydrated, setHydrated] = useState(false);
  const [email, setEmail] = useState("");
  const [password, setPassword] = useState("");
  const [error, setError] = useState<string | null>(null);
  const [pending, setPending] = useState(false);
  const errorId = useId();

  useEffect(() => setHydrated(true), []);

  async function onSubmit(event: React.FormEvent<HTMLFormElement>) {
    event.preventDefault();
    if (pending) return;
    setPending(true);
    setError(null);
    let retryAfter: number | null = null;
    const { error: failure } = await authClient.signIn.email(
      { email: email.trim(), password },
      {
        onError: (ctx) => {
          const header = ctx.response.headers.get("X-Retry-After");
          retryAfter = header ? Number(header) : null;
        },
      },
    );
    if (!failure) {
      window.location.assign(next);
      return;
    }
    setPending(false);
    setPassword("");
    if (failure.status === 429) setError(rateLimitedMessage(retryAfter));
    else if (failure.status === 401 || failure.status === 400) setError(WRONG_CREDENTIALS);
    else if (failure.status === 403 && failure.message) setError(failure.message);
    else setError("Could not sign in right now. Try again in a moment.");
  }

  return (
    <div className="space-y-6">
      <form
        method="post"
        onSubmit={onSubmit}
        noValidate={false}
        aria-describedby={error ? errorId : undefined}
      >
        <div className="space-y-4">
          <div className="space-y-1.5">
            <Label htmlFor="sign-in-email">Email</Label>
            <Input
              id="sign-in-email"
              name="email"
              type="email"
              autoComplete="username"
              required
              value={email}
              onChange={(e) => setEmail(e.target.value)}
              aria-invalid={error ? true : undefined}
              aria-describedby={error ? errorId : undefined}
              className="h-10"
            />
          </div>
          <div className="space-y-1.5">
            <Label htmlFor="sign-in-password">Password</Label>
            <Input
              id="sign-in-password"
              name="password"
              type="password"
              autoComplete="current-password"
              required
              value={password}
              onChange={(e) => setPassword(e.target.value)}
              aria-invalid={error ? true : undefined}
              aria-describedby={error ? errorId : undefined}
              className="h-10"
            />
          </div>
          <div id={errorId} aria-live="polite" className="text-sm empty:hidden">
            {error ? (
              <p
                role="alert"
                className="rounded-md bg-red-50 px-3 py-2 text-red-800 ring-1 ring-inset ring-red-200"
              >
                {error}
              </p>
            ) : null}
          </div>
          <Button type="submit" size="lg" disabled={!hydrated || pending} className="w-full">
            {pending ? <LoaderCircle aria-hidden="true" className="size-4 animate-spin" /> : null}
            {pending ? "Signing in…" : "Sign in"}
          </Button>
        </div>
      </form>

      {demo ? (
        <section
          aria-labelledby="demo-accounts-heading"
          className="rounded-md border border-dashed border-amber-300 bg-amber-50 p-3 text-sm text-amber-950"
        >
          <h2 id="demo-accounts-heading" className="font-semibold">
            Demo accounts (development only)
          </h2>
          <p className="mt-1">
            Password for all: <code className="rounded bg-white/70 px-1 font-mono">{demo.password}</code>
          </p>
          <ul className="mt-2 space-y-1">
            {demo.accounts.map((account) => (
              <li key={account.email} className="flex items-center justify-between gap-2">
                <span className="min-w-0 truncate">
                  <span className="font-mono">{account.email}</span>{" "}
                  <span className="text-amber-800">· {account.role}</span>
                </span>
                <Button
                  size="sm"
                  variant="secondary"
                  onClick={() => {
                    setEmail(account.email);
                    setPassword(demo.password);
                    setError(null);
                  }}
                  className="h-7 shrink-0 px-2 text-xs"
                  aria-label={`Fill in ${account.name}`}
                >
                  Use
                </Button>
              </li>
            ))}
          </ul>
        </section>
      ) : null}
    </div>
  );
}
