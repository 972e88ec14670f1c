import { compile } from "./cel";
import type { AppRecord, EngineEvent, FunctionConfig } from "./types";

/** The event object as functions and expressions see it. */
export function eventPayload(event: EngineEvent): Record<string, unknown> {
  return {
    id: event.id ?? event.internalId,
    name: event.name,
    data: event.data,
    ts: event.ts,
    ...(event.user === undefined ? {} : { user: event.user }),
    ...(event.v === undefined ? {} : { v: event.v }),
  };
}

export function eventNameMatches(pattern: string, name: string): boolean {
  if (pattern === name) return true;
  if (!pattern.includes("*")) return false;
  const re = new RegExp(`^${pattern.split("*").map(escapeRegExp).join(".*")}$`);
  return re.test(name);
}

function escapeRegExp(text: string): string {
  return text.replace(/[.+?^${}()|[\]\\]/g, "\\$&");
}

export interface TriggerMatch {
  app: AppRecord;
  fn: FunctionConfig;
  /** Set when the trigger expression could not be evaluated: the run is created failed, loudly. */
  error?: string;
}

export function matchEvent(apps: Iterable<AppRecord>, event: EngineEvent): TriggerMatch[] {
  const matches: TriggerMatch[] = [];
  const scope = { event: eventPayload(event) };
  for (const app of apps) {
    for (const fn of app.functions) {
      for (const trigger of fn.triggers ?? []) {
        if (!trigger.event || !eventNameMatches(trigger.event, event.name)) continue;
        if (!trigger.expression) {
          matches.push({ app, fn });
          break;
        }
        try {
          if (compile(trigger.expression).test(scope)) {
            matches.push({ app, fn });
            break;
          }
        } catch (error) {
          matches.push({ app, fn, error: (error as Error).message });
          break;
        }
      }
    }
  }
  return matches;
}

export function findFunction(apps: Iterable<AppRecord>, functionId: string): TriggerMatch | undefined {
  for (const app of apps) {
    const fn = app.functions.find((f) => f.id === functionId);
    if (fn) return { app, fn };
  }
  return undefined;
}
