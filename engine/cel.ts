/**
 * A small evaluator for the subset of CEL used in Inngest trigger `if`s, waitForEvent `if`s and
 * flow-control keys: literals, dotted paths, ! && || == != < > <= >= + - and parentheses.
 * Anything else throws at compile time, so unsupported expressions fail loudly.
 */

type Node =
  | { kind: "lit"; value: unknown }
  | { kind: "path"; parts: string[] }
  | { kind: "not"; arg: Node }
  | { kind: "neg"; arg: Node }
  | { kind: "bin"; op: string; left: Node; right: Node };

type Token = { type: "num" | "str" | "ident" | "op" | "end"; value: string; pos: number };

const OPERATORS = ["&&", "||", "==", "!=", "<=", ">=", "<", ">", "!", "(", ")", ".", "[", "]", "+", "-"];

function tokenize(src: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < src.length) {
    const ch = src[i];
    if (/\s/.test(ch)) {
      i++;
      continue;
    }
    if (/[0-9]/.test(ch)) {
      const m = /^\d+(\.\d+)?/.exec(src.slice(i))!;
      tokens.push({ type: "num", value: m[0], pos: i });
      i += m[0].length;
      continue;
    }
    if (ch === '"' || ch === "'") {
      let j = i + 1;
      let value = "";
      while (j < src.length && src[j] !== ch) {
        if (src[j] === "\\" && j + 1 < src.length) {
          const esc = src[j + 1];
          value += esc === "n" ? "\n" : esc === "t" ? "\t" : esc;
          j += 2;
        } else value += src[j++];
      }
      if (j >= src.length) throw new CelError(`unterminated string at ${i}`, src);
      tokens.push({ type: "str", value, pos: i });
      i = j + 1;
      continue;
    }
    if (/[A-Za-z_]/.test(ch)) {
      const m = /^[A-Za-z_][A-Za-z0-9_]*/.exec(src.slice(i))!;
      tokens.push({ type: "ident", value: m[0], pos: i });
      i += m[0].length;
      continue;
    }
    const op = OPERATORS.find((o) => src.startsWith(o, i));
    if (!op) throw new CelError(`unsupported character "${ch}" at ${i}`, src);
    tokens.push({ type: "op", value: op, pos: i });
    i += op.length;
  }
  tokens.push({ type: "end", value: "", pos: src.length });
  return tokens;
}

class CelError extends Error {
  constructor(message: string, expression: string) {
    super(`CEL: ${message} in expression ${JSON.stringify(expression)}`);
    this.name = "CelError";
  }
}

class Parser {
  private i = 0;
  constructor(
    private readonly tokens: Token[],
    private readonly src: string,
  ) {}

  parse(): Node {
    const node = this.or();
    if (this.peek().type !== "end") this.fail(`unexpected "${this.peek().value}"`);
    return node;
  }

  private peek(): Token {
    return this.tokens[this.i];
  }
  private next(): Token {
    return this.tokens[this.i++];
  }
  private acceptOp(...ops: string[]): string | undefined {
    const t = this.peek();
    if (t.type === "op" && ops.includes(t.value)) {
      this.i++;
      return t.value;
    }
    return undefined;
  }
  private fail(message: string): never {
    throw new CelError(`${message} at ${this.peek().pos}`, this.src);
  }

  private or(): Node {
    let left = this.and();
    while (this.acceptOp("||")) left = { kind: "bin", op: "||", left, right: this.and() };
    return left;
  }
  private and(): Node {
    let left = this.comparison();
    while (this.acceptOp("&&")) left = { kind: "bin", op: "&&", left, right: this.comparison() };
    return left;
  }
  private comparison(): Node {
    let left = this.additive();
    for (;;) {
      const op = this.acceptOp("==", "!=", "<=", ">=", "<", ">");
      if (!op) return left;
      left = { kind: "bin", op, left, right: this.additive() };
    }
  }
  private additive(): Node {
    let left = this.unary();
    for (;;) {
      const op = this.acceptOp("+", "-");
      if (!op) return left;
      left = { kind: "bin", op, left, right: this.unary() };
    }
  }
  private unary(): Node {
    if (this.acceptOp("!")) return { kind: "not", arg: this.unary() };
    if (this.acceptOp("-")) return { kind: "neg", arg: this.unary() };
    return this.primary();
  }
  private primary(): Node {
    const t = this.next();
    if (t.type === "num") return { kind: "lit", value: Number(t.value) };
    if (t.type === "str") return { kind: "lit", value: t.value };
    if (t.type === "op" && t.value === "(") {
      const inner = this.or();
      if (!this.acceptOp(")")) this.fail('expected ")"');
      return inner;
    }
    if (t.type === "ident") {
      if (t.value === "true" || t.value === "false") return { kind: "lit", value: t.value === "true" };
      if (t.value === "null") return { kind: "lit", value: null };
      if (this.peek().type === "op" && this.peek().value === "(")
        this.fail(`function call "${t.value}()" is not supported`);
      const parts = [t.value];
      for (;;) {
        if (this.acceptOp(".")) {
          const id = this.next();
          if (id.type !== "ident") this.fail("expected a field name");
          parts.push(id.value);
        } else if (this.acceptOp("[")) {
          const key = this.next();
          if (key.type !== "str" && key.type !== "num") this.fail("expected a literal index");
          parts.push(key.value);
          if (!this.acceptOp("]")) this.fail('expected "]"');
        } else return { kind: "path", parts };
      }
    }
    return this.fail(`unexpected "${t.value || "end of expression"}"`);
  }
}

function lookup(scope: Record<string, unknown>, parts: string[]): unknown {
  let value: unknown = scope;
  for (const part of parts) {
    if (value === null || typeof value !== "object") return null;
    value = (value as Record<string, unknown>)[part];
    if (value === undefined) return null;
  }
  return value;
}

function equal(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (a === null || b === null || typeof a !== "object" || typeof b !== "object") return false;
  return JSON.stringify(a) === JSON.stringify(b);
}

function compare(op: string, a: unknown, b: unknown): boolean {
  const comparable =
    (typeof a === "number" && typeof b === "number") || (typeof a === "string" && typeof b === "string");
  if (!comparable) return false;
  const x = a as number | string;
  const y = b as number | string;
  if (op === "<") return x < y;
  if (op === ">") return x > y;
  if (op === "<=") return x <= y;
  return x >= y;
}

function evaluate(node: Node, scope: Record<string, unknown>): unknown {
  switch (node.kind) {
    case "lit":
      return node.value;
    case "path":
      return lookup(scope, node.parts);
    case "not":
      return !truthy(evaluate(node.arg, scope));
    case "neg": {
      const v = evaluate(node.arg, scope);
      return typeof v === "number" ? -v : null;
    }
    case "bin": {
      if (node.op === "&&") return truthy(evaluate(node.left, scope)) && truthy(evaluate(node.right, scope));
      if (node.op === "||") return truthy(evaluate(node.left, scope)) || truthy(evaluate(node.right, scope));
      const left = evaluate(node.left, scope);
      const right = evaluate(node.right, scope);
      if (node.op === "==") return equal(left, right);
      if (node.op === "!=") return !equal(left, right);
      if (node.op === "+") {
        if (typeof left === "number" && typeof right === "number") return left + right;
        if (typeof left === "string" || typeof right === "string") return `${left ?? ""}${right ?? ""}`;
        return null;
      }
      if (node.op === "-") return typeof left === "number" && typeof right === "number" ? left - right : null;
      return compare(node.op, left, right);
    }
  }
}

function truthy(value: unknown): boolean {
  return value === true;
}

export interface CompiledExpression {
  source: string;
  value(scope: Record<string, unknown>): unknown;
  test(scope: Record<string, unknown>): boolean;
}

const cache = new Map<string, CompiledExpression>();

export function compile(source: string): CompiledExpression {
  const cached = cache.get(source);
  if (cached) return cached;
  const ast = new Parser(tokenize(source), source).parse();
  const compiled: CompiledExpression = {
    source,
    value: (scope) => evaluate(ast, scope),
    test: (scope) => truthy(evaluate(ast, scope)),
  };
  cache.set(source, compiled);
  return compiled;
}
