import nodemailer from "nodemailer";
import { describe, expect, it } from "vitest";
import { type CaughtMail, startMailCatcher } from "../../scripts/mail-catcher";

describe("the dev mail catcher (scripts/mail-catcher.ts)", () => {
  it("catches what nodemailer sends, newest first, and reports each mail", async () => {
    const reported: CaughtMail[] = [];
    const catcher = await startMailCatcher({ port: 0, keep: 2, onMail: (m) => reported.push(m) });
    try {
      const transport = nodemailer.createTransport({ host: "127.0.0.1", port: catcher.port, secure: false });
      for (const n of [1, 2, 3]) {
        await transport.sendMail({
          from: "Fixed Service <no-reply@localhost>",
          to: [{ name: "Mara Manager", address: "manager@fixed.test" }, "admin@fixed.test"],
          subject: `Notice ${n}`,
          text: `Body ${n}`,
        });
      }
      transport.close();
      expect(reported.map((m) => m.subject)).toEqual(["Notice 1", "Notice 2", "Notice 3"]);
      // Only the last `keep`, newest first.
      const [newest, older] = catcher.mails();
      expect(catcher.mails()).toHaveLength(2);
      expect(older.subject).toBe("Notice 2");
      expect(newest).toMatchObject({
        seq: 3,
        subject: "Notice 3",
        from: "Fixed Service <no-reply@localhost>",
        to: ["Mara Manager <manager@fixed.test>", "admin@fixed.test"],
        text: "Body 3\n",
      });
    } finally {
      await catcher.close();
    }
  });
});
