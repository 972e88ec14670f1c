import { Pool } from "undici";

/** A keep-alive HTTP client for the app's JSON API, signed in once (sign-in is rate-limited). */
export type ApiClient = {
  cookie: string;
  request(
    method: string,
    path: string,
    body?: unknown,
  ): Promise<{ status: number; json: unknown; serverMs: number | null; ms: number }>;
  getPage(path: string): Promise<{ status: number; ms: number; ttfbMs: number; bytes: number }>;
  close(): Promise<void>;
};

export async function signIn(
  baseUrl: string,
  email: string,
  password: string,
  connections: number,
): Promise<ApiClient> {
  const pool = new Pool(baseUrl, { connections, pipelining: 1, keepAliveTimeout: 60_000 });
  const res = await pool.request({
    method: "POST",
    path: "/api/auth/sign-in/email",
    headers: { "content-type": "application/json", origin: baseUrl },
    body: JSON.stringify({ email, password }),
  });
  const text = await res.body.text();
  if (res.statusCode !== 200) throw new Error(`sign-in failed: ${res.statusCode} ${text}`);
  const setCookie = [res.headers["set-cookie"] ?? []].flat();
  const cookie = setCookie.map((c) => c.split(";")[0]).join("; ");
  if (!cookie.includes("session_token")) throw new Error(`sign-in gave no session cookie: ${setCookie}`);

  return {
    cookie,
    async request(method, path, body) {
      const t0 = performance.now();
      const r = await pool.request({
        method: method as "GET",
        path,
        headers: { cookie, "content-type": "application/json", origin: baseUrl },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      const raw = await r.body.text();
      const ms = performance.now() - t0;
      const timing = /dur=([\d.]+)/.exec(String(r.headers["server-timing"] ?? ""));
      let json: unknown;
      try {
        json = raw ? JSON.parse(raw) : null;
      } catch {
        json = raw;
      }
      return { status: r.statusCode, json, serverMs: timing ? Number(timing[1]) : null, ms };
    },
    async getPage(path) {
      const t0 = performance.now();
      const r = await pool.request({ method: "GET", path, headers: { cookie } });
      const ttfbMs = performance.now() - t0;
      const buf = await r.body.arrayBuffer();
      return { status: r.statusCode, ms: performance.now() - t0, ttfbMs, bytes: buf.byteLength };
    },
    close: () => pool.close(),
  };
}
