/**
 * A local SMTP catcher for development (smtp-server, in this process): accepts every message on
 * 127.0.0.1 without TLS or auth, parses it (mailparser), keeps the last `keep` in memory, and reports each
 * one. The demo receiver runs it and lists what it caught on GET /mails (the app's Demo receiver page).
 */
import type { AddressInfo } from "node:net";
import { type AddressObject, simpleParser } from "mailparser";
import { SMTPServer } from "smtp-server";
import type { CaughtMail } from "@/server/demo/demo-receiver";

/** The shape GET /mails serves, defined once beside the page that reads it (a type import: no runtime dependency). */
export type { CaughtMail };

function addresses(field: AddressObject | AddressObject[] | undefined): string[] {
  const list = Array.isArray(field) ? field : field ? [field] : [];
  return list.flatMap((a) => a.value.map((v) => (v.name ? `${v.name} <${v.address}>` : (v.address ?? ""))));
}

export async function startMailCatcher({
  port,
  host = "127.0.0.1",
  keep = 100,
  onMail = () => {},
}: {
  port: number;
  host?: string;
  keep?: number;
  onMail?: (mail: CaughtMail) => void;
}): Promise<{ port: number; mails: () => CaughtMail[]; close: () => Promise<void> }> {
  const caught: CaughtMail[] = [];
  let seq = 0;
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ["STARTTLS", "AUTH"],
    logger: false,
    size: 5 * 1024 * 1024,
    onData(stream, _session, callback) {
      simpleParser(stream)
        .then((parsed) => {
          const mail: CaughtMail = {
            seq: ++seq,
            receivedAt: new Date().toISOString(),
            from: addresses(parsed.from)[0] ?? "",
            to: addresses(parsed.to),
            subject: parsed.subject ?? "(no subject)",
            text: parsed.text ?? "",
          };
          caught.push(mail);
          if (caught.length > keep) caught.shift();
          onMail(mail);
          callback();
        })
        .catch(callback);
    },
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, host, () => resolve());
  });
  return {
    port: (server.server.address() as AddressInfo).port,
    mails: () => [...caught].reverse(),
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
