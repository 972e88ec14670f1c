export interface EngineEvent {
  /** Engine-assigned ULID (what `POST /e/:key` returns). */
  internalId: string;
  name: string;
  data: Record<string, unknown>;
  /** User-supplied id used for 24 h dedupe, if any. */
  id?: string;
  ts: number;
  user?: unknown;
  v?: string;
  receivedAt: number;
}

interface TriggerConfig {
  event?: string;
  expression?: string;
  cron?: string;
}

export interface FunctionConfig {
  id: string;
  name?: string;
  triggers: TriggerConfig[];
  steps: Record<
    string,
    { id: string; name: string; runtime: { type: string; url: string }; retries?: { attempts?: number } }
  >;
  concurrency?: ConcurrencyConfig | ConcurrencyConfig[] | number;
  throttle?: { limit: number; period: string; key?: string; burst?: number };
  idempotency?: string;
  batchEvents?: BatchConfig;
  [option: string]: unknown;
}

/** `batchEvents` as the SDK registers it (the user's options, passed through unchanged). */
interface BatchConfig {
  maxSize: number;
  /** Duration string ("1s", "500ms"); measured from the first event of the batch. */
  timeout: string;
  /** Expression: one batch per distinct value. */
  key?: string;
  /** Expression: events for which it is false start a run of their own at once. */
  if?: string;
}

/** Events collected for a batched function that have not started a run yet. */
export interface PendingBatch {
  id: string;
  appId: string;
  functionId: string;
  /** Evaluated batch key ("" without `key`). */
  key: string;
  /** Internal ids of the events, in arrival order. */
  eventIds: string[];
  /** Arrival of the first event. */
  createdAt: number;
  /** `createdAt` + timeout: the batch starts then at the latest. */
  flushAt: number;
}

export interface ConcurrencyConfig {
  limit: number;
  key?: string;
  scope?: string;
}

export interface AppRecord {
  id: string;
  url: string;
  functions: FunctionConfig[];
  syncedAt: number;
}

type RunStatus = "Queued" | "Running" | "Completed" | "Failed" | "Cancelled";

export interface MemoEntry {
  data?: unknown;
  error?: unknown;
}

interface StepAttempt {
  attempt: number;
  status: "Completed" | "Failed" | "Errored";
  started_at: string;
  ended_at: string;
  error?: unknown;
}

export interface StepRecord {
  id: string;
  name: string;
  op: string;
  status: "Running" | "Completed" | "Failed" | "Sleeping" | "Waiting";
  attempts: StepAttempt[];
  output?: unknown;
}

/** One request the engine still has to make to the SDK for a run (a queue item). */
export interface CallJob {
  qi: string;
  /** "step" = discovery / continue; otherwise the hashed id of a planned step. */
  stepId: string;
  attempt: number;
  at: number;
}

/** Something a run is parked on: a sleep, a waitForEvent or an invoked function. */
export interface Pause {
  stepId: string;
  kind: "sleep" | "wait" | "invoke";
  /** Wake-up time (sleep end or timeout); undefined = never times out. */
  at?: number;
  event?: string;
  expression?: string;
  childRunId?: string;
}

export interface Run {
  id: string;
  appId: string;
  functionId: string;
  eventId: string;
  event: EngineEvent;
  status: RunStatus;
  createdAt: number;
  startedAt?: number;
  endedAt?: number;
  output?: unknown;
  error?: unknown;
  memo: Record<string, MemoEntry>;
  stack: string[];
  steps: StepRecord[];
  disableImmediateExecution: boolean;
  jobs: CallJob[];
  pauses: Pause[];
  /** Op ids planned together that must all settle before the next discovery. */
  outstanding: string[];
  jobSeq: number;
  invokedBy?: { runId: string; stepId: string };
  concurrencyKeys: string[];
  /** Set for a run started by `batchEvents`: the batch id and all its events (`event` is the first). */
  batchId?: string;
  batchEventIds?: string[];
}
