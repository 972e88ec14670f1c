import type { AddressInfo } from "node:net";
import { type ParsedMail, simpleParser } from "mailparser";
import { SMTPServer } from "smtp-server";
import { waitUntil } from "./receiver";

type CaughtMail = {
  /** The SMTP envelope's recipients (RCPT TO), lower case, sorted. */
  envelopeTo: string[];
  mail: ParsedMail;
};

export type TestSmtpServer = {
  /** smtp://127.0.0.1:<port> */
  url: string;
  readonly mails: readonly CaughtMail[];
  /** Refuses the next `n` messages with a 451 (a temporary failure the sender should retry). */
  refuseNext(n: number): void;
  readonly refused: number;
  waitForMails(n: number, timeoutMs?: number): Promise<readonly CaughtMail[]>;
  /** Forgets caught mails, refusals and the refusal count. */
  clear(): void;
  close(): Promise<void>;
};

/** A real SMTP server in the test process (smtp-server), every message parsed with mailparser. */
export async function startSmtpServer(): Promise<TestSmtpServer> {
  const mails: CaughtMail[] = [];
  let toRefuse = 0;
  let refused = 0;
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ["STARTTLS", "AUTH"],
    logger: false,
    onData(stream, session, callback) {
      if (toRefuse > 0) {
        toRefuse--;
        refused++;
        stream.resume();
        stream.on("end", () => callback(Object.assign(new Error("Try again later"), { responseCode: 451 })));
        return;
      }
      simpleParser(stream)
        .then((mail) => {
          mails.push({
            envelopeTo: session.envelope.rcptTo.map((r) => r.address.toLowerCase()).sort(),
            mail,
          });
          callback();
        })
        .catch(callback);
    },
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => resolve());
  });
  const { port } = server.server.address() as AddressInfo;
  return {
    url: `smtp://127.0.0.1:${port}`,
    mails,
    refuseNext(n) {
      toRefuse = n;
    },
    get refused() {
      return refused;
    },
    waitForMails: (n, timeoutMs = 20_000) =>
      waitUntil(() => (mails.length >= n ? mails : null), { timeoutMs, message: `${n} mail(s)` }),
    clear() {
      mails.length = 0;
      toRefuse = 0;
      refused = 0;
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
