import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo, Socket } from "node:net";
import { vi } from "vitest";

export interface ReceivedRequest {
  method: string;
  path: string;
  headers: Record<string, string>;
  rawBody: string;
  /** The body parsed as JSON, or undefined when it is not JSON. */
  json: unknown;
  receivedAt: Date;
}

/**
 * One scripted answer: a status code, a full response (`stall: true` sends status, headers and body
 * but never ends the response), `{ hang: true }` (no answer at all until the receiver closes) or
 * `{ reset: true }` (the socket is destroyed once the request has arrived).
 */
export type ScriptedResponse =
  | number
  | { status?: number; headers?: Record<string, string>; body?: string | Buffer | object; stall?: boolean }
  | { hang: true }
  | { reset: true };

export type ResponseRule = ScriptedResponse | ((request: ReceivedRequest) => ScriptedResponse);

export interface WaitOptions {
  timeoutMs?: number;
}

export interface TestReceiver {
  /** Base URL, e.g. http://127.0.0.1:41234 */
  readonly url: string;
  readonly port: number;
  readonly requests: readonly ReceivedRequest[];
  /** TCP connections accepted so far; 0 proves nothing even connected. */
  readonly connectionCount: number;
  urlFor(path: string): string;
  /** Answers the next requests in order, then falls back to the default response. Replaces any earlier script. */
  respondWith(script: ScriptedResponse | readonly ScriptedResponse[]): void;
  setDefaultResponse(rule: ResponseRule): void;
  /** Resolves with all requests once `predicate` holds for them; re-checked on every new request. */
  waitFor(
    predicate: (requests: readonly ReceivedRequest[]) => boolean,
    options?: WaitOptions,
  ): Promise<readonly ReceivedRequest[]>;
  waitForRequests(count: number, options?: WaitOptions): Promise<readonly ReceivedRequest[]>;
  /** Forgets recorded requests and the script. */
  clear(): void;
  close(): Promise<void>;
}

const DEFAULT_WAIT_MS = 5_000;
const DEFAULT_RESPONSE: ScriptedResponse = { status: 200, body: { ok: true } };

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => resolve(Buffer.concat(chunks)));
    req.on("error", reject);
  });
}

function flatHeaders(req: IncomingMessage): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(req.headers)) {
    if (value !== undefined) headers[name] = Array.isArray(value) ? value.join(", ") : value;
  }
  return headers;
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

function answer(res: ServerResponse, response: ScriptedResponse): void {
  if (typeof response === "number") {
    res.writeHead(response, { "content-type": "application/json" }).end(JSON.stringify({ status: response }));
    return;
  }
  if ("hang" in response || "reset" in response) return;
  const { status = 200, headers = {}, body, stall = false } = response;
  const isRaw = typeof body === "string" || Buffer.isBuffer(body);
  const payload = body === undefined ? "" : isRaw ? body : JSON.stringify(body);
  const contentType = isRaw ? "text/plain; charset=utf-8" : "application/json";
  res.writeHead(status, { "content-type": contentType, ...headers });
  if (stall) {
    res.flushHeaders();
    if (payload.length > 0) res.write(payload);
    return;
  }
  res.end(payload);
}

export async function startReceiver({
  host = "127.0.0.1",
  defaultResponse = DEFAULT_RESPONSE,
}: {
  host?: string;
  defaultResponse?: ResponseRule;
} = {}): Promise<TestReceiver> {
  const requests: ReceivedRequest[] = [];
  const waiters = new Set<() => void>();
  let script: ScriptedResponse[] = [];
  let fallback: ResponseRule = defaultResponse;
  let connectionCount = 0;

  const server = createServer(async (req, res) => {
    let raw: Buffer;
    try {
      raw = await readBody(req);
    } catch {
      res.destroy();
      return;
    }
    const rawBody = raw.toString("utf8");
    const recorded: ReceivedRequest = {
      method: req.method ?? "",
      path: req.url ?? "",
      headers: flatHeaders(req),
      rawBody,
      json: parseJson(rawBody),
      receivedAt: new Date(),
    };
    requests.push(recorded);
    const next = script.shift() ?? (typeof fallback === "function" ? fallback(recorded) : fallback);
    if (typeof next === "object" && "reset" in next) {
      req.socket.destroy();
    } else {
      answer(res, next);
    }
    for (const wake of waiters) wake();
  });
  server.on("connection", (_socket: Socket) => {
    connectionCount += 1;
  });

  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, host, () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  const base = `http://${host.includes(":") ? `[${host}]` : host}:${port}`;

  const waitFor: TestReceiver["waitFor"] = (predicate, { timeoutMs = DEFAULT_WAIT_MS } = {}) =>
    new Promise((resolve, reject) => {
      const check = () => {
        if (!predicate(requests)) return;
        done();
        resolve(requests);
      };
      const timer = setTimeout(() => {
        done();
        const seen = requests.map((r) => `${r.method} ${r.path}`).join(", ") || "none";
        reject(
          new Error(
            `receiver.waitFor timed out after ${timeoutMs} ms; ${requests.length} request(s): ${seen}`,
          ),
        );
      }, timeoutMs);
      const done = () => {
        clearTimeout(timer);
        waiters.delete(check);
      };
      waiters.add(check);
      check();
    });

  return {
    url: base,
    port,
    get requests() {
      return requests;
    },
    get connectionCount() {
      return connectionCount;
    },
    urlFor: (path) => `${base}${path.startsWith("/") ? path : `/${path}`}`,
    respondWith(next) {
      script = Array.isArray(next) ? [...next] : [next as ScriptedResponse];
    },
    setDefaultResponse(rule) {
      fallback = rule;
    },
    waitFor,
    waitForRequests: (count, options) => waitFor((all) => all.length >= count, options),
    clear() {
      requests.length = 0;
      script = [];
      connectionCount = 0;
    },
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((err) => (err ? reject(err) : resolve()));
        // Hanging requests and keep-alive sockets would otherwise hold close() open forever.
        server.closeAllConnections();
      }),
  };
}

/** A port on `host` with nothing listening (bound, read, released). */
export async function closedPort(host = "127.0.0.1"): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, host, () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** Polls `condition` (vi.waitFor) until it returns a truthy value (returned) or the time runs out. */
export function waitUntil<T>(
  condition: () => T | Promise<T>,
  {
    timeoutMs = DEFAULT_WAIT_MS,
    intervalMs = 25,
    message = "condition",
  }: WaitOptions & {
    intervalMs?: number;
    message?: string;
  } = {},
): Promise<NonNullable<T>> {
  return vi.waitFor(
    async () => {
      const value = await condition();
      if (!value) throw new Error(`waitUntil: ${message} not met within ${timeoutMs} ms`);
      return value as NonNullable<T>;
    },
    { timeout: timeoutMs, interval: intervalMs },
  );
}
