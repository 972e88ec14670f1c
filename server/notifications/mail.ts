import "server-only";
import nodemailer, { type Transporter } from "nodemailer";
import type { Db } from "@/db/client";
import { type Env, env } from "@/lib/env";
import { logger } from "@/lib/logger";
import { listActiveUsersWithRoles } from "@/server/auth/users";
import { getNotice, markNoticeEmailed } from "./notices";

/**
 * Notice e-mails through SMTP (nodemailer), to every active manager and admin. Off when SMTP_URL is
 * unset. Sending happens in an Inngest step (inngest/functions/notifications.ts): a refused or
 * unreachable server throws, and the step retries without touching the delivery that paused.
 */

const NOTICE_RECIPIENT_ROLES = ["manager", "admin"] as const;

/** One SMTP conversation must not hold a step for minutes (nodemailer waits up to 10 by default). */
const TIMEOUTS = { connectionTimeout: 10_000, greetingTimeout: 10_000, socketTimeout: 30_000 };

let cached: { url: string; transport: Transporter } | undefined;

function transportFor(url: string): Transporter {
  if (cached?.url !== url) {
    const parsed = new URL(url);
    const secure = parsed.protocol === "smtps:";
    cached = {
      url,
      transport: nodemailer.createTransport({
        host: parsed.hostname.replace(/^\[|\]$/g, ""),
        port: parsed.port ? Number(parsed.port) : secure ? 465 : 587,
        secure,
        auth: parsed.username
          ? { user: decodeURIComponent(parsed.username), pass: decodeURIComponent(parsed.password) }
          : undefined,
        ...TIMEOUTS,
      }),
    };
  }
  return cached.transport;
}

/** MAIL_FROM, or "Fixed Service <no-reply@<APP_URL's host>>". */
export function mailFrom(config: Pick<Env, "MAIL_FROM" | "APP_URL"> = env()): string {
  return config.MAIL_FROM ?? `Fixed Service <no-reply@${new URL(config.APP_URL).hostname}>`;
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

type NoticeMail = { subject: string; text: string; html: string };

/** What a pause notice says by e-mail. */
export function pauseNoticeMail(
  notice: { text: string },
  integration: { id: number; name: string } | null,
  appUrl: string,
): NoticeMail {
  const name = integration?.name ?? "(deleted)";
  const link = new URL(integration ? `/integrations/${integration.id}` : "/integrations", appUrl).toString();
  const lines = [
    `The integration "${name}" was paused.`,
    notice.text,
    "Nothing is lost: changes saved while it is paused wait as pending syncs and go out in order when an admin resumes it.",
    `Fix the receiver, then resume it: ${link}`,
  ];
  const footer = "You get this e-mail as a manager or admin of Fixed Service.";
  return {
    subject: `Fixed Service: integration ${name} paused`,
    text: `${lines.join("\n\n")}\n\n-- \n${footer}\n`,
    html: `${lines
      .slice(0, 3)
      .map((l) => `<p>${escapeHtml(l)}</p>`)
      .join(
        "",
      )}<p><a href="${escapeHtml(link)}">Open ${escapeHtml(name)} in Fixed Service</a></p><p style="color:#64748b">${escapeHtml(footer)}</p>`,
  };
}

export type EmailOutcome =
  | { sent: true; to: string[]; messageId: string }
  | { sent: false; reason: "mail off" | "notice gone" | "sent already" | "no recipients" };

/**
 * E-mails one notice to the active managers and admins, once: a notice already e-mailed is skipped (a
 * retried step after a send whose report was lost), and the Message-ID is the notice's, so a mail client
 * shows a rare second copy as the same message. Throws when the SMTP server refuses or cannot be reached.
 */
export async function emailNotice(db: Db, noticeId: number): Promise<EmailOutcome> {
  const config = env();
  if (!config.SMTP_URL) return { sent: false, reason: "mail off" };
  const row = await getNotice(db, noticeId);
  if (!row) return { sent: false, reason: "notice gone" };
  if (row.notice.emailedAt) return { sent: false, reason: "sent already" };
  const recipients = await listActiveUsersWithRoles(db, NOTICE_RECIPIENT_ROLES);
  if (recipients.length === 0) {
    logger.warn({ noticeId }, "No active manager or admin to e-mail the notice to");
    return { sent: false, reason: "no recipients" };
  }
  const mail = pauseNoticeMail(row.notice, row.integration, config.APP_URL);
  const to = recipients.map((r) => r.email);
  const domain = new URL(config.APP_URL).hostname;
  const info = await transportFor(config.SMTP_URL).sendMail({
    from: mailFrom(config),
    to: recipients.map((r) => ({ name: r.name, address: r.email })),
    subject: mail.subject,
    text: mail.text,
    html: mail.html,
    messageId: `<notice-${noticeId}@${domain}>`,
  });
  await markNoticeEmailed(db, noticeId);
  logger.info(
    { noticeId, integrationId: row.notice.integrationId, recipients: to.length },
    `E-mailed notice ${noticeId} (${mail.subject}) to ${to.length} manager(s) and admin(s)`,
  );
  return { sent: true, to, messageId: String(info.messageId) };
}
