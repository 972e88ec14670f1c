import { afterEach, describe, expect, it } from "vitest";
import { env, resetEnvCache } from "@/lib/env";
import { mailFrom, pauseNoticeMail } from "@/server/notifications/mail";

const saved = { ...process.env };
afterEach(() => {
  process.env = { ...saved };
  resetEnvCache();
});

function withEnv(vars: Record<string, string>) {
  process.env = { ...saved, ...vars };
  resetEnvCache();
}

describe("notice e-mail", () => {
  it("names the integration, the reason, what happens to changes and links to the integration", () => {
    const mail = pauseNoticeMail(
      {
        text: "Paused automatically: 50 failed attempts in a row since 2026-12-02 13:00 UTC; last: HTTP 503",
      },
      { id: 7, name: "n8n <main>" },
      "https://fixed.example",
    );
    expect(mail.subject).toBe("Fixed Service: integration n8n <main> paused");
    expect(mail.text).toContain("50 failed attempts in a row");
    expect(mail.text).toContain("go out in order when an admin resumes it");
    expect(mail.text).toContain("https://fixed.example/integrations/7");
    // The HTML part escapes what came from the database.
    expect(mail.html).toContain("n8n &#60;main&#62;");
    expect(mail.html).not.toContain("<main>");
  });

  it("comes from MAIL_FROM, or Fixed Service at the app's host", () => {
    expect(mailFrom({ MAIL_FROM: undefined, APP_URL: "https://fixed.example:8443/" })).toBe(
      "Fixed Service <no-reply@fixed.example>",
    );
    expect(mailFrom({ MAIL_FROM: "alerts@shop.example", APP_URL: "https://fixed.example" })).toBe(
      "alerts@shop.example",
    );
  });
});

describe("notification configuration", () => {
  it.each([
    [{ SMTP_URL: "http://mail.example" }, "SMTP_URL"],
    [{ SMTP_URL: "mail.example:587" }, "SMTP_URL"],
    [{ MAIL_FROM: "not an address" }, "MAIL_FROM"],
    [
      { OPS_WEBHOOK_URL: "ftp://ops.example", OPS_WEBHOOK_SECRET: "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw" },
      "OPS_WEBHOOK_URL",
    ],
    [{ OPS_WEBHOOK_URL: "https://ops.example/hook" }, "OPS_WEBHOOK_SECRET"],
    [{ OPS_WEBHOOK_URL: "https://ops.example/hook", OPS_WEBHOOK_SECRET: "secret" }, "OPS_WEBHOOK_SECRET"],
    [
      { OPS_WEBHOOK_URL: "https://ops.example/hook", OPS_WEBHOOK_SECRET: "whsec_c2hvcnQ=" },
      "OPS_WEBHOOK_SECRET",
    ],
    [{ OPS_WEBHOOK_SECRET: "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw" }, "OPS_WEBHOOK_URL"],
    [{ AUTO_PAUSE_FAILURES: "-1" }, "AUTO_PAUSE_FAILURES"],
    [{ AUTO_PAUSE_FAILURES: "many" }, "AUTO_PAUSE_FAILURES"],
    [{ AUTO_PAUSE_AFTER_HOURS: "a day" }, "AUTO_PAUSE_AFTER_HOURS"],
  ])("refuses %j with the variable's name", (vars, name) => {
    withEnv(vars);
    expect(() => env()).toThrow(new RegExp(`Invalid configuration:[\\s\\S]*\\b${name}:`));
  });

  it("takes the defaults and a valid set", () => {
    withEnv({});
    for (const name of [
      "SMTP_URL",
      "MAIL_FROM",
      "OPS_WEBHOOK_URL",
      "OPS_WEBHOOK_SECRET",
      "AUTO_PAUSE_FAILURES",
      "AUTO_PAUSE_AFTER_HOURS",
    ])
      delete process.env[name];
    resetEnvCache();
    expect(env()).toMatchObject({ AUTO_PAUSE_FAILURES: 50, AUTO_PAUSE_AFTER_HOURS: 24 });
    expect(env().SMTP_URL).toBeUndefined();
    withEnv({
      SMTP_URL: "smtps://user:p%40ss@mail.example:465",
      MAIL_FROM: "Fixed Service <alerts@shop.example>",
      OPS_WEBHOOK_URL: "https://ops.example/hook",
      OPS_WEBHOOK_SECRET: "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw",
      AUTO_PAUSE_FAILURES: "0",
    });
    expect(env()).toMatchObject({ AUTO_PAUSE_FAILURES: 0, OPS_WEBHOOK_URL: "https://ops.example/hook" });
  });
});
