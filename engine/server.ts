import http from "node:http";
import type { AddressInfo } from "node:net";
import { appFromRegister, fetchAppInBand } from "./apps";
import { CheckpointConflict, Engine } from "./engine";
import { parseEvents } from "./events";
import { createLogger, type Logger } from "./log";
import { verifyApiBearer, verifyBearer, verifyEventKey } from "./signing";
import { Store } from "./store";
import { eventPayload } from "./triggers";
import type { Run } from "./types";
import { renderHome } from "./ui";

export interface EngineServerOptions {
  port?: number;
  host?: string;
  dataDir: string;
  /** Fixed retry delay in ms; undefined = Inngest's backoff table. */
  retryIntervalMs?: number;
  /**
   * Cloud mode: sign requests to SDKs and require their bearer token; `/v0/sync`, the run and event
   * reads, cancels and the HTML page require `Authorization: Bearer <signing key>`. Needs `eventKey`.
   */
  signingKey?: string;
  /** When set, `POST /e/:key` accepts only this key (401 otherwise). */
  eventKey?: string;
  /**
   * Host names (besides localhost, 127.0.0.1, ::1 and `host`) the engine answers to, e.g. `inngest` in a
   * compose network; `*` turns the Host/Origin check off. The check keeps web pages in the developer's
   * browser from driving the engine (cross-site requests, DNS rebinding).
   */
  allowedHosts?: string[];
  /** App serve URLs to sync on start, retried until they answer. */
  sdkUrls?: string[];
  logger?: Logger;
  syncRetryMs?: number;
  /** Most SDK calls in flight at once (default DEFAULT_MAX_IN_FLIGHT). */
  maxInFlight?: number;
}

export interface EngineServer {
  url: string;
  port: number;
  engine: Engine;
  /** Asks an app to sync in-band (falls back to its own out-of-band register). */
  sync(url: string): Promise<void>;
  close(): Promise<void>;
}

const MAX_BODY = 10 * 1024 * 1024;

const LOOPBACK_NAMES = ["localhost", "127.0.0.1", "::1"];

/** `host[:port]`, `[v6]:port` or a bare v6 address → the lower-case host name without brackets. */
function hostnameOf(hostHeader: string): string {
  const value = hostHeader.trim().toLowerCase();
  if (value.startsWith("[")) return value.slice(1, value.indexOf("]"));
  if (value.indexOf(":") !== value.lastIndexOf(":")) return value; // a bare IPv6 address
  return value.replace(/:\d*$/, "");
}

/**
 * Refuses what a browser page could send on someone else's behalf: a Host that is not one of ours
 * (DNS rebinding: evil.example resolving to 127.0.0.1), an Origin other than the engine's own (a
 * cross-site form or fetch), and any request the browser marks cross-site. The SDK and curl send
 * no Origin; the engine's own page sends none either (it posts nothing).
 */
function checkBrowserOrigin(req: http.IncomingMessage, allowed: Set<string> | null): void {
  if (allowed === null) return;
  const host = req.headers.host ?? "";
  if (!allowed.has(hostnameOf(host))) {
    throw new HttpError(403, `host ${JSON.stringify(host)} is not allowed (ENGINE_ALLOWED_HOSTS)`);
  }
  const origin = req.headers.origin;
  if (origin !== undefined) {
    let originHost: string | null = null;
    try {
      originHost = new URL(origin).host;
    } catch {}
    if (originHost === null || originHost.toLowerCase() !== host.trim().toLowerCase()) {
      throw new HttpError(403, "cross-origin requests are not allowed");
    }
  }
  if (req.headers["sec-fetch-site"] === "cross-site") {
    throw new HttpError(403, "cross-site requests are not allowed");
  }
}

class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

function readBody(req: http.IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on("data", (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY) {
        reject(new HttpError(413, "body too large"));
        req.destroy();
      } else chunks.push(chunk);
    });
    req.on("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
    req.on("error", reject);
  });
}

function parseJsonBody(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    throw new HttpError(400, "body is not valid JSON");
  }
}

function send(res: http.ServerResponse, status: number, body: unknown, type = "application/json"): void {
  const text = type === "application/json" ? JSON.stringify(body) : String(body);
  res.writeHead(status, {
    "content-type": `${type}; charset=utf-8`,
    "content-length": Buffer.byteLength(text),
  });
  res.end(text);
}

function iso(ms: number | undefined): string | null {
  return ms ? new Date(ms).toISOString() : null;
}

function runSummary(run: Run) {
  return {
    run_id: run.id,
    function_id: run.functionId,
    app_id: run.appId,
    status: run.status,
    output: run.output ?? null,
    error: run.error ?? null,
    event_id: run.eventId,
    batch_id: run.batchId ?? null,
    run_started_at: iso(run.createdAt),
    started_at: iso(run.startedAt ?? run.createdAt),
    ended_at: iso(run.endedAt),
  };
}

function runDetail(run: Run) {
  return {
    ...runSummary(run),
    steps: run.steps.map((s) => ({
      id: s.id,
      name: s.name,
      op: s.op,
      status: s.status,
      output: s.output ?? null,
      attempts: s.attempts,
    })),
  };
}

export async function startEngine(options: EngineServerOptions): Promise<EngineServer> {
  const signingKey = options.signingKey;
  const eventKey = options.eventKey || undefined;
  if (signingKey && !eventKey) {
    throw new Error(
      "INNGEST_EVENT_KEY is required with INNGEST_SIGNING_KEY (cloud mode): without it anyone who reaches the engine could send events",
    );
  }
  const log = options.logger ?? createLogger();
  const store = new Store(options.dataDir);
  store.log = (error) => log.error({ err: error }, "journal compaction failed; the journal keeps growing");
  const engine = new Engine({
    store,
    log,
    retryIntervalMs: options.retryIntervalMs,
    signingKey: options.signingKey,
    maxInFlight: options.maxInFlight,
  });
  engine.recover();
  const host = options.host ?? "127.0.0.1";
  const allowedHosts = options.allowedHosts?.includes("*")
    ? null
    : new Set(
        [
          ...LOOPBACK_NAMES,
          ...(["0.0.0.0", "::"].includes(host) ? [] : [host]),
          ...(options.allowedHosts ?? []),
        ]
          .map((h) => hostnameOf(h))
          .filter(Boolean),
      );

  const requireSdkAuth = (req: http.IncomingMessage) => {
    if (signingKey && !verifyBearer(req.headers.authorization, signingKey))
      throw new HttpError(401, "invalid signing key");
  };
  /** Cloud mode: the REST-style reads, cancels, syncs and the page need the signing key. */
  const requireApiAuth = (req: http.IncomingMessage) => {
    if (signingKey && !verifyApiBearer(req.headers.authorization, signingKey))
      throw new HttpError(401, "this endpoint needs Authorization: Bearer <signing key>");
  };

  const syncUrl = async (url: string) => {
    const app = await fetchAppInBand(url, signingKey);
    if (app) engine.registerApp(app);
    await store.flush();
  };

  const routes: [
    string,
    RegExp,
    (req: http.IncomingMessage, m: RegExpMatchArray, url: URL) => Promise<[number, unknown, string?]>,
  ][] = [
    [
      "POST",
      /^\/e\/([^/]+)$/,
      async (req, m) => {
        if (eventKey && !verifyEventKey(decodeURIComponent(m[1]), eventKey)) {
          throw new HttpError(401, "invalid event key");
        }
        const body = parseJsonBody(await readBody(req));
        const parsed = parseEvents(body, req.headers["x-inngest-event-id-seed"] as string | undefined);
        if (!parsed.ok) return [400, { error: parsed.error, status: 400 }];
        engine.ingest(parsed.events);
        await store.flush();
        return [200, { ids: parsed.events.map((e) => e.internalId), status: 200 }];
      },
    ],
    [
      "POST",
      /^\/fn\/register$/,
      async (req) => {
        requireSdkAuth(req);
        const body = parseJsonBody(await readBody(req));
        let app: ReturnType<typeof appFromRegister>;
        try {
          app = appFromRegister(body);
        } catch (error) {
          return [400, { ok: false, error: `invalid register body: ${(error as Error).message}` }];
        }
        const { modified } = engine.registerApp(app);
        await store.flush();
        return [200, { ok: true, modified }];
      },
    ],
    [
      "POST",
      /^\/v0\/sync$/,
      async (req, _m, url) => {
        requireApiAuth(req);
        const text = await readBody(req);
        const target =
          url.searchParams.get("url") ?? (text ? (parseJsonBody(text) as { url?: string }).url : undefined);
        if (!target) return [400, { error: "missing url" }];
        try {
          await syncUrl(target);
        } catch (error) {
          return [502, { ok: false, error: (error as Error).message }];
        }
        return [200, { ok: true }];
      },
    ],
    [
      "POST",
      /^\/v1\/checkpoint\/([^/]+)\/async$/,
      async (req, m) => {
        requireSdkAuth(req);
        const body = parseJsonBody(await readBody(req)) as Parameters<Engine["checkpoint"]>[1];
        engine.checkpoint(decodeURIComponent(m[1]), body);
        await store.flush();
        return [200, { ok: true }];
      },
    ],
    [
      "POST",
      /^\/v1\/checkpoint\/([^/]+)\/steps$/,
      async (req, m) => {
        requireSdkAuth(req);
        const body = parseJsonBody(await readBody(req)) as {
          steps?: Parameters<Engine["checkpointSteps"]>[1];
        };
        engine.checkpointSteps(decodeURIComponent(m[1]), body.steps ?? []);
        await store.flush();
        return [200, { ok: true }];
      },
    ],
    [
      "POST",
      /^\/v1\/checkpoint$/,
      async (req) => {
        requireSdkAuth(req);
        log.error(
          "durable endpoints (POST /v1/checkpoint, sync step mode) are not supported by the local engine",
        );
        return [501, { error: "durable endpoints are not supported by the local engine" }];
      },
    ],
    [
      "GET",
      /^\/v1\/events\/([^/]+)\/runs$/,
      async (req, m) => {
        requireApiAuth(req);
        return [200, { data: engine.runsForEvent(decodeURIComponent(m[1])).map(runSummary) }];
      },
    ],
    [
      "GET",
      /^\/v1\/events\/([^/]+)$/,
      async (req, m) => {
        requireApiAuth(req);
        const event = store.events.get(decodeURIComponent(m[1]));
        if (!event) return [404, { error: "event not found" }];
        return [
          200,
          { data: { internal_id: event.internalId, ...event, received_at: iso(event.receivedAt) } },
        ];
      },
    ],
    [
      "GET",
      /^\/v1\/runs\/([^/]+)$/,
      async (req, m) => {
        requireApiAuth(req);
        const run = store.runs.get(decodeURIComponent(m[1]));
        return run ? [200, { data: runDetail(run) }] : [404, { error: "run not found" }];
      },
    ],
    [
      "DELETE",
      /^\/v1\/runs\/([^/]+)$/,
      async (req, m) => {
        requireApiAuth(req);
        const run = engine.cancelRun(decodeURIComponent(m[1]));
        await store.flush();
        return run ? [200, { data: runSummary(run) }] : [404, { error: "run not found" }];
      },
    ],
    [
      "GET",
      /^\/v0\/runs\/([^/]+)\/actions$/,
      async (req, m) => {
        requireSdkAuth(req);
        const run = store.runs.get(decodeURIComponent(m[1]));
        return run ? [200, run.memo] : [404, { error: "run not found", status: 404 }];
      },
    ],
    [
      "GET",
      /^\/v0\/runs\/([^/]+)\/batch$/,
      async (req, m) => {
        requireSdkAuth(req);
        const run = store.runs.get(decodeURIComponent(m[1]));
        return run
          ? [200, engine.runEvents(run).map(eventPayload)]
          : [404, { error: "run not found", status: 404 }];
      },
    ],
    [
      "POST",
      /^\/v1\/traces\/userland$/,
      async (req) => {
        // OpenTelemetry spans from the SDK: accepted and dropped (documented in README).
        await readBody(req);
        return [200, {}];
      },
    ],
    ["GET", /^\/(health|healthz)$/, async () => [200, { ok: true }]],
    [
      "GET",
      /^\/dev$/,
      async () => [
        200,
        {
          version: "fixed-service-engine",
          isSingleNodeService: true,
          isMissingSigningKey: !signingKey,
          functions: [...store.apps.values()].flatMap((a) =>
            a.functions.map((f) => ({ id: f.id, app: a.id })),
          ),
        },
      ],
    ],
    [
      "GET",
      /^\/$/,
      async (req) => {
        requireApiAuth(req);
        const runs = [...store.runs.values()].sort((a, b) => b.createdAt - a.createdAt).slice(0, 100);
        return [200, renderHome([...store.apps.values()], runs), "text/html"];
      },
    ],
  ];

  const server = http.createServer(async (req, res) => {
    const url = new URL(req.url ?? "/", "http://engine.local");
    try {
      checkBrowserOrigin(req, allowedHosts);
      for (const [method, pattern, handler] of routes) {
        const m = url.pathname.match(pattern);
        if (!m || method !== req.method) continue;
        const [status, body, type] = await handler(req, m, url);
        send(res, status, body, type);
        return;
      }
      log.warn({ method: req.method, path: url.pathname }, "unknown engine endpoint");
      send(res, 404, { error: `no route for ${req.method} ${url.pathname}` });
    } catch (error) {
      if (error instanceof HttpError) send(res, error.status, { error: error.message, status: error.status });
      else if (error instanceof CheckpointConflict) send(res, 409, { error: error.message });
      else {
        log.error({ err: error, path: url.pathname }, "engine request failed");
        send(res, 500, { error: (error as Error).message });
      }
    }
  });
  server.keepAliveTimeout = 65_000;

  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port ?? 8288, host, () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  const baseUrl = `http://${host}:${port}`;
  log.info(
    { url: baseUrl, dataDir: options.dataDir, retryIntervalMs: options.retryIntervalMs, cloud: !!signingKey },
    "engine listening",
  );

  const syncTimers = new Set<NodeJS.Timeout>();
  let closing = false;
  const syncUntilReachable = (target: string) => {
    syncUrl(target).then(
      () => log.info({ url: target }, "app synced on start"),
      (error) => {
        if (closing) return;
        log.warn({ url: target, err: (error as Error).message }, "app not reachable yet; will retry sync");
        const timer = setTimeout(() => {
          syncTimers.delete(timer);
          syncUntilReachable(target);
        }, options.syncRetryMs ?? 2000);
        syncTimers.add(timer);
      },
    );
  };
  for (const target of options.sdkUrls ?? []) syncUntilReachable(target);

  return {
    url: baseUrl,
    port,
    engine,
    sync: syncUrl,
    async close() {
      closing = true;
      for (const t of syncTimers) clearTimeout(t);
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
      await engine.close();
      store.close();
    },
  };
}
