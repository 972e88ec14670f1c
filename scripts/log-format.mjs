// `npm run dev`'s log lines: the app and the engine write one pino JSON line per event (as in
// production); this turns each into one readable line. Anything that is not a pino line (Next's own
// output) passes through unchanged.

const LEVELS = { 10: "TRACE", 20: "DEBUG", 30: "INFO", 40: "WARN", 50: "ERROR", 60: "FATAL" };
const LEVEL_COLORS = { 10: 90, 20: 90, 30: 32, 40: 33, 50: 31, 60: 35 };
/** Fields every line carries, or that the line shows elsewhere. */
const NAMED = { trace: 10, debug: 20, info: 30, warn: 40, error: 50, fatal: 60 };
const HIDDEN = new Set(["level", "time", "msg", "pid", "hostname", "service", "component", "name", "v"]);

/** Longer field values (an HTML error page in a message) are cut: the JSON line has them whole. */
const MAX_VALUE = 240;

function cut(text) {
  return text.length > MAX_VALUE ? `${text.slice(0, MAX_VALUE)}…` : text;
}

function value(v) {
  if (typeof v === "string") return /^[^\s"=]+$/.test(v) ? cut(v) : JSON.stringify(cut(v));
  return cut(JSON.stringify(v));
}

function describeError(err) {
  if (err === null || typeof err !== "object") return String(err);
  const type = typeof err.type === "string" ? err.type : "Error";
  return typeof err.message === "string" ? `${type}: ${err.message}` : type;
}

/**
 * One pino JSON line → `12:03:04 WARN  RMA-000025 message key=value … (Error: message)`. An error or
 * fatal line with a stack gets the stack's frames below it, indented: only there is it news.
 * @param {string} line
 * @param {{ color?: boolean }} [options]
 */
export function formatLogLine(line, { color = false } = {}) {
  if (!line.startsWith("{")) return line;
  let entry;
  try {
    entry = JSON.parse(line);
  } catch {
    return line;
  }
  if (entry === null || typeof entry !== "object") return line;
  // pino's numbers, or a level's name (the demo receiver writes its JSON lines by hand)
  const level =
    typeof entry.level === "number"
      ? entry.level
      : Object.hasOwn(NAMED, entry.level)
        ? NAMED[entry.level]
        : undefined;
  if (level === undefined) return line;
  const paint = (code, text) => (color ? `\x1b[${code}m${text}\x1b[0m` : text);

  const parts = [];
  if (typeof entry.time === "number") parts.push(paint(90, new Date(entry.time).toTimeString().slice(0, 8)));
  parts.push(paint(LEVEL_COLORS[level] ?? 37, (LEVELS[level] ?? String(level)).padEnd(5)));
  if (entry.reference !== undefined) parts.push(paint(1, String(entry.reference)));
  if (entry.msg !== undefined) parts.push(String(entry.msg));
  for (const [key, v] of Object.entries(entry)) {
    if (HIDDEN.has(key) || key === "reference" || key === "err" || v === undefined) continue;
    parts.push(paint(90, `${key}=${value(v)}`));
  }
  if (entry.err !== undefined)
    parts.push(paint(LEVEL_COLORS[level] ?? 37, `(${cut(describeError(entry.err))})`));

  let out = parts.join(" ");
  const stack = level >= 50 && typeof entry.err?.stack === "string" ? entry.err.stack : undefined;
  if (stack) {
    const frames = stack.split("\n").filter((l) => /^\s+at /.test(l));
    if (frames.length > 0) out += `\n${frames.map((f) => `    ${f.trim()}`).join("\n")}`;
  }
  return out;
}
