import { createHash } from "node:crypto";
import { compile } from "./cel";
import { parseCron } from "./cron";
import { parseDuration, resolveWakeTime } from "./duration";
import { callSdk, type Op, type SdkOutcome } from "./executor";
import {
  ConcurrencyTracker,
  concurrencyKeys,
  evaluateKey,
  Throttle,
  unsupportedOptions,
} from "./flow-control";
import type { Logger } from "./log";
import { Scheduler } from "./scheduler";
import type { Store } from "./store";
import { eventNameMatches, eventPayload, findFunction, matchEvent, type TriggerMatch } from "./triggers";
import type {
  AppRecord,
  CallJob,
  EngineEvent,
  FunctionConfig,
  MemoEntry,
  Pause,
  PendingBatch,
  Run,
  StepRecord,
} from "./types";
import { ulid } from "./ulid";

const DAY_MS = 86_400_000;
const BACKOFF_MS = [15e3, 30e3, 60e3, 120e3, 300e3, 600e3, 1200e3, 2400e3, 3600e3, 7200e3];
const DEFAULT_RETRIES = 4;
/** The SDK reports function-level results under the hashed id "complete". */
const RUN_COMPLETE_ID = createHash("sha1").update("complete").digest("hex");

export interface EngineOptions {
  store: Store;
  log: Logger;
  /** Fixed retry delay in ms; undefined = Inngest's backoff table plus jitter. */
  retryIntervalMs?: number;
  signingKey?: string;
  requestTimeoutMs?: number;
  /**
   * Most SDK calls in flight at once (over all runs); more wait in FIFO order. Without a cap a burst
   * opens one request per queued step at once, and the app's database pool and event loop serve them
   * all slowly instead of a few quickly (its own page and API requests wait behind them).
   */
  maxInFlight?: number;
}

const DEFAULT_MAX_IN_FLIGHT = 64;

export class CheckpointConflict extends Error {}

type Slots = { key: string; limit: number }[];

/** The run state machine: events → runs → SDK calls → memoised steps → completion. */
export class Engine {
  private readonly store: Store;
  private readonly log: Logger;
  private readonly scheduler: Scheduler;
  private readonly concurrency = new ConcurrencyTracker();
  private readonly throttle = new Throttle();
  private readonly runsByEvent = new Map<string, Set<string>>();
  private readonly waitingRuns = new Set<string>();
  /** Open batch per function + batch key value → batch id (the batches live in the store). */
  private readonly openBatches = new Map<string, string>();
  private readonly inFlight = new Map<string, Promise<void>>();
  /** Jobs that were due while `maxInFlight` calls were running, oldest first (job keys). */
  private readonly overflow: string[] = [];
  private closed = false;
  private readonly abort = new AbortController();

  constructor(private readonly options: EngineOptions) {
    this.store = options.store;
    this.log = options.log;
    this.scheduler = new Scheduler((key) => this.onDue(key));
  }

  /** Re-arms every queued job, sleep, wait timeout and cron after a (re)start. */
  recover(): void {
    for (const run of this.store.runs.values()) {
      this.indexRun(run);
      if (!isActive(run)) continue;
      for (const job of run.jobs) this.scheduler.schedule(jobKey(run.id, job.qi), job.at);
      for (const pause of run.pauses) this.armPause(run, pause);
    }
    for (const app of this.store.apps.values()) this.armCrons(app);
    // Partly filled batches: the timeout still counts from the first event; if it passed, they start now.
    for (const batch of this.store.batches.values()) {
      this.openBatches.set(batchSlot(batch.functionId, batch.key), batch.id);
      this.scheduler.schedule(batchKey(batch.id), batch.flushAt);
    }
  }

  async close(): Promise<void> {
    this.closed = true;
    this.scheduler.stop();
    this.abort.abort();
    await Promise.allSettled([...this.inFlight.values()]);
  }

  // ---------------------------------------------------------------- apps

  registerApp(app: AppRecord): { modified: boolean } {
    const previous = this.store.apps.get(app.id);
    const modified =
      JSON.stringify(previous?.functions) !== JSON.stringify(app.functions) || previous?.url !== app.url;
    if (previous) this.disarmCrons(previous);
    this.store.putApp(app);
    for (const fn of app.functions) {
      const problems = unsupportedOptions(fn);
      if (problems.length > 0)
        this.log.error({ functionId: fn.id, problems }, "function uses unsupported options");
      for (const t of fn.triggers ?? []) {
        if (t.expression) {
          try {
            compile(t.expression);
          } catch (error) {
            this.log.error(
              { functionId: fn.id, err: (error as Error).message },
              "unsupported trigger expression",
            );
          }
        }
      }
    }
    this.armCrons(app);
    this.log.info(
      { appId: app.id, url: app.url, functions: app.functions.map((f) => f.id), modified },
      "app synced",
    );
    return { modified };
  }

  private armCrons(app: AppRecord): void {
    for (const fn of app.functions) {
      (fn.triggers ?? []).forEach((trigger, index) => {
        if (!trigger.cron) return;
        try {
          const next = parseCron(trigger.cron).next(Date.now());
          this.scheduler.schedule(cronKey(app.id, fn.id, index), next);
        } catch (error) {
          this.log.error(
            { functionId: fn.id, cron: trigger.cron, err: (error as Error).message },
            "invalid cron",
          );
        }
      });
    }
  }

  private disarmCrons(app: AppRecord): void {
    for (const fn of app.functions) {
      (fn.triggers ?? []).forEach((_, index) => {
        this.scheduler.cancel(cronKey(app.id, fn.id, index));
      });
    }
  }

  // ---------------------------------------------------------------- events

  /**
   * Records events and everything they cause (new runs, resumed waits). In memory at once; the caller
   * awaits `store.flush()` before acknowledging.
   */
  ingest(events: EngineEvent[]): void {
    const now = Date.now();
    for (const event of events) {
      this.store.putEvent(event);
      if (event.id && !event.name.startsWith("inngest/")) {
        const dedupeKey = event.id;
        const seen = this.store.eventKeys.get(dedupeKey);
        if (seen !== undefined && seen > now) {
          this.log.info(
            { eventId: event.internalId, id: event.id, name: event.name },
            "duplicate event id; no run",
          );
          continue;
        }
        this.store.putEventKey(dedupeKey, now + DAY_MS);
      }
      this.resumeWaits(event);
      for (const match of matchEvent(this.store.apps.values(), event)) {
        if (isBatched(match)) this.addToBatch(match, event);
        else this.createRun(match, event);
      }
    }
  }

  // ---------------------------------------------------------------- batches

  /**
   * `batchEvents`: adds the event to the open batch of its function and key value (opening one, with
   * its timeout, if there is none) and starts the run once the batch holds `maxSize` events.
   */
  private addToBatch(match: TriggerMatch, event: EngineEvent): void {
    const { app, fn } = match;
    const config = fn.batchEvents!;
    const scope = { event: eventPayload(event) };
    let key = "";
    try {
      if (config.if && !compile(config.if).test(scope)) {
        // Not eligible for batching: a run of its own, at once (as Inngest).
        this.createRun(match, event);
        return;
      }
      if (config.key) key = evaluateKey(config.key, scope);
    } catch (error) {
      this.createRun({ ...match, error: (error as Error).message }, event);
      return;
    }
    const slot = batchSlot(fn.id, key);
    let batch = this.store.batches.get(this.openBatches.get(slot) ?? "");
    if (!batch) {
      const createdAt = event.receivedAt;
      batch = {
        id: ulid(createdAt),
        appId: app.id,
        functionId: fn.id,
        key,
        eventIds: [],
        createdAt,
        flushAt: createdAt + parseDuration(config.timeout),
      };
      this.openBatches.set(slot, batch.id);
      this.scheduler.schedule(batchKey(batch.id), batch.flushAt);
    }
    batch.eventIds.push(event.internalId);
    this.store.touchBatch(batch);
    if (batch.eventIds.length >= config.maxSize) this.flushBatch(batch, "full");
  }

  private batchDue(batchId: string): void {
    const batch = this.store.batches.get(batchId);
    if (!batch) return;
    this.flushBatch(batch, "timeout");
    void this.store.flush().catch((error) => this.log.error({ err: error }, "journal write failed"));
  }

  /** Starts the batch's run (event = first event, events = all) and closes the batch. */
  private flushBatch(batch: PendingBatch, reason: "full" | "timeout"): void {
    this.scheduler.cancel(batchKey(batch.id));
    const slot = batchSlot(batch.functionId, batch.key);
    if (this.openBatches.get(slot) === batch.id) this.openBatches.delete(slot);
    this.store.deleteBatch(batch.id);
    const events = batch.eventIds.map((id) => this.store.events.get(id)).filter((e) => e !== undefined);
    if (events.length === 0) {
      this.log.error(
        { functionId: batch.functionId, batchId: batch.id },
        "batch has no stored events; no run",
      );
      return;
    }
    const match: TriggerMatch = findFunction(this.store.apps.values(), batch.functionId) ?? {
      app: { id: batch.appId, url: "", functions: [], syncedAt: 0 },
      fn: { id: batch.functionId, triggers: [], steps: {} },
      error: `function ${batch.functionId} is no longer synced`,
    };
    const run = this.createRun(match, events[0], undefined, {
      id: batch.id,
      eventIds: events.map((e) => e.internalId),
    });
    this.log.info(
      {
        functionId: batch.functionId,
        batchId: batch.id,
        runId: run?.id,
        size: events.length,
        reason,
        ...(batch.key ? { batchKey: batch.key } : {}),
      },
      "batch flushed",
    );
  }

  /** The events a run was started with: the whole batch for a batched run, else its one event. */
  runEvents(run: Run): EngineEvent[] {
    if (!run.batchEventIds) return [run.event];
    const events = run.batchEventIds.map((id) => this.store.events.get(id)).filter((e) => e !== undefined);
    return events.length > 0 ? events : [run.event];
  }

  private internalEvent(name: string, data: Record<string, unknown>, id?: string): EngineEvent {
    const now = Date.now();
    const event: EngineEvent = { internalId: ulid(now), name, data, id, ts: now, receivedAt: now };
    this.ingest([event]);
    return event;
  }

  // ---------------------------------------------------------------- runs

  private createRun(
    match: TriggerMatch,
    event: EngineEvent,
    invokedBy?: Run["invokedBy"],
    batch?: { id: string; eventIds: string[] },
  ): Run | undefined {
    const { app, fn } = match;
    const now = Date.now();
    const scope = { event: eventPayload(event) };
    const problems = [...unsupportedOptions(fn), ...(match.error ? [match.error] : [])];
    let slots: Slots = [];
    let startAt = now;
    if (problems.length === 0) {
      try {
        if (fn.idempotency) {
          const key = `${fn.id}\u0000${evaluateKey(fn.idempotency, scope)}`;
          const until = this.store.idempotency.get(key);
          if (until !== undefined && until > now) {
            this.log.info({ functionId: fn.id, eventId: event.internalId }, "idempotency key seen; no run");
            return undefined;
          }
          this.store.putIdempotencyKey(key, now + DAY_MS);
        }
        slots = concurrencyKeys(fn, scope);
        if (fn.throttle) {
          const key = `${fn.id}\u0000${fn.throttle.key ? evaluateKey(fn.throttle.key, scope) : ""}`;
          startAt = this.throttle.reserve(key, fn.throttle.limit, parseDuration(fn.throttle.period), now);
        }
      } catch (error) {
        problems.push((error as Error).message);
      }
    }
    const run: Run = {
      id: ulid(now),
      appId: app.id,
      functionId: fn.id,
      eventId: event.internalId,
      event,
      status: "Queued",
      createdAt: now,
      memo: {},
      stack: [],
      steps: [],
      disableImmediateExecution: false,
      jobs: [],
      pauses: [],
      outstanding: [],
      jobSeq: 0,
      invokedBy,
      concurrencyKeys: slots.map((s) => `${s.limit}|${s.key}`),
      ...(batch ? { batchId: batch.id, batchEventIds: batch.eventIds } : {}),
    };
    this.store.touchRun(run);
    this.indexRun(run);
    this.transition(run, "queued", {
      eventName: event.name,
      startAt,
      ...(batch ? { batchId: batch.id, batchSize: batch.eventIds.length } : {}),
    });
    if (problems.length > 0) {
      this.log.error(
        { runId: run.id, functionId: fn.id, problems },
        "run cannot execute: unsupported configuration",
      );
      this.finish(run, "Failed", undefined, { name: "UnsupportedError", message: problems.join("; ") });
      return run;
    }
    this.enqueue(run, "step", 0, startAt);
    return run;
  }

  private indexRun(run: Run): void {
    for (const eventId of run.batchEventIds ?? [run.eventId]) {
      let set = this.runsByEvent.get(eventId);
      if (!set) {
        set = new Set();
        this.runsByEvent.set(eventId, set);
      }
      set.add(run.id);
    }
    if (isActive(run) && run.pauses.some((p) => p.kind === "wait")) this.waitingRuns.add(run.id);
  }

  runsForEvent(eventId: string): Run[] {
    return [...(this.runsByEvent.get(eventId) ?? [])].map((id) => this.store.runs.get(id)!).filter(Boolean);
  }

  cancelRun(runId: string): Run | undefined {
    const run = this.store.runs.get(runId);
    if (!run || !isActive(run)) return run;
    this.finish(run, "Cancelled", undefined, { name: "Cancelled", message: "run cancelled" });
    return run;
  }

  private enqueue(run: Run, stepId: string, attempt: number, at: number): CallJob {
    const job: CallJob = { qi: `${run.id}:${++run.jobSeq}`, stepId, attempt, at };
    run.jobs.push(job);
    this.store.touchRun(run);
    this.scheduler.schedule(jobKey(run.id, job.qi), at);
    return job;
  }

  private onDue(key: string): boolean {
    if (this.closed) return true;
    const [kind, a, b] = key.split("|");
    if (kind === "job") return this.dispatch(a, b);
    if (kind === "pause") this.pauseExpired(a, b);
    if (kind === "cron") this.fireCron(a, b, Number(key.split("|")[3]));
    if (kind === "batch") this.batchDue(a);
    return true;
  }

  private dispatch(runId: string, qi: string): boolean {
    const run = this.store.runs.get(runId);
    const job = run?.jobs.find((j) => j.qi === qi);
    if (!run || !job || !isActive(run)) return true;
    if (this.inFlight.size >= (this.options.maxInFlight ?? DEFAULT_MAX_IN_FLIGHT)) {
      // Kept out of the scheduler's blocked set: that set is re-pumped whole on every completion.
      this.overflow.push(jobKey(runId, qi));
      return true;
    }
    const slots = parseSlots(run.concurrencyKeys);
    if (!this.concurrency.tryAcquire(slots)) return false;
    const task = this.execute(run, job)
      .catch((error) => this.log.error({ runId, err: error }, "engine error while executing run"))
      .finally(() => {
        this.concurrency.release(slots);
        this.inFlight.delete(qi);
        this.drainOverflow();
        this.scheduler.unblock();
      });
    this.inFlight.set(qi, task);
    return true;
  }

  /** Starts waiting jobs while there is room; a job still blocked by its concurrency key goes back to the scheduler. */
  private drainOverflow(): void {
    const max = this.options.maxInFlight ?? DEFAULT_MAX_IN_FLIGHT;
    while (!this.closed && this.overflow.length > 0 && this.inFlight.size < max) {
      const key = this.overflow.shift()!;
      const [, runId, qi] = key.split("|");
      if (!this.dispatch(runId, qi)) this.scheduler.schedule(key, Date.now());
    }
  }

  private async execute(run: Run, job: CallJob): Promise<void> {
    const target = findFunction(this.store.apps.values(), run.functionId);
    if (!target) {
      this.finish(run, "Failed", undefined, {
        name: "Error",
        message: `function ${run.functionId} is not synced`,
      });
      await this.store.flush();
      return;
    }
    if (run.status === "Queued") {
      run.status = "Running";
      run.startedAt = Date.now();
      this.store.touchRun(run);
      this.transition(run, "started");
    }
    const startedAt = Date.now();
    const url = new URL(target.fn.steps.step.runtime.url);
    url.searchParams.set("stepId", job.stepId);
    // A batched run gets all its events on every call (retries and later steps included).
    const events = this.runEvents(run).map(eventPayload);
    const body = {
      version: 2,
      event: events[0],
      events,
      steps: run.memo,
      ctx: {
        run_id: run.id,
        fn_id: run.functionId,
        qi_id: job.qi,
        attempt: job.attempt,
        max_attempts: maxAttempts(target.fn),
        use_api: false,
        disable_immediate_execution: run.disableImmediateExecution,
        stack: { stack: run.stack, current: run.stack.length },
      },
    };
    const outcome = await callSdk({
      url: url.href,
      body,
      signingKey: this.options.signingKey,
      timeoutMs: this.options.requestTimeoutMs ?? 300_000,
      signal: this.abort.signal,
    });
    if (this.closed) return;
    // The run may have been cancelled or finished (e.g. by a timeout) while the SDK was working.
    if (!isActive(run) || !run.jobs.some((j) => j.qi === job.qi)) return;
    run.jobs = run.jobs.filter((j) => j.qi !== job.qi);
    this.applyOutcome(run, job, target.fn, outcome, startedAt);
    this.store.touchRun(run);
    await this.store.flush();
  }

  private applyOutcome(
    run: Run,
    job: CallJob,
    fn: FunctionConfig,
    outcome: SdkOutcome,
    startedAt: number,
  ): void {
    if (outcome.kind === "complete") {
      this.finish(run, "Completed", outcome.output);
      return;
    }
    if (outcome.kind === "error") {
      this.functionError(
        run,
        job,
        fn,
        outcome.error,
        outcome.retriable,
        outcome.retryAfterMs,
        outcome.status,
      );
      return;
    }
    for (const op of outcome.ops) {
      if (!isActive(run)) return;
      this.applyOp(run, job, fn, op, startedAt, outcome.retryAfterMs);
    }
    this.continueIfSettled(run);
  }

  /** Handles one op from a 206 answer or a checkpoint. */
  private applyOp(
    run: Run,
    job: CallJob,
    fn: FunctionConfig,
    op: Op,
    startedAt: number,
    retryAfterMs?: number,
  ): void {
    const now = Date.now();
    switch (op.op) {
      case "StepRun":
        this.recordAttempt(run, op, job.attempt, "Completed", startedAt);
        this.memoize(run, op, { data: op.data ?? null });
        return;
      case "StepFailed":
        if (op.id === RUN_COMPLETE_ID) {
          this.finish(run, "Failed", undefined, op.error);
          return;
        }
        this.recordAttempt(run, op, job.attempt, "Failed", startedAt);
        this.memoize(run, op, { error: op.error });
        return;
      case "StepError": {
        if (op.id === RUN_COMPLETE_ID) {
          this.functionError(run, job, fn, op.error, true, retryAfterMs, 206);
          return;
        }
        this.recordAttempt(run, op, job.attempt, "Errored", startedAt);
        if (job.attempt + 1 >= maxAttempts(fn)) {
          this.memoize(run, op, { error: op.error });
          return;
        }
        addOnce(run.outstanding, op.id);
        const delay = retryAfterMs ?? this.retryDelay(job.attempt);
        this.enqueue(run, op.id, job.attempt + 1, now + delay);
        this.transition(run, "step retry scheduled", {
          stepId: op.id,
          attempt: job.attempt + 1,
          delayMs: delay,
        });
        return;
      }
      case "StepPlanned":
        run.disableImmediateExecution = true;
        addOnce(run.outstanding, op.id);
        this.stepRecord(run, op).status = "Running";
        this.enqueue(run, op.id, 0, now);
        return;
      case "Sleep": {
        const pause: Pause = { stepId: op.id, kind: "sleep", at: resolveWakeTime(op.name ?? "", now) };
        this.park(run, op, pause, "Sleeping");
        this.transition(run, "sleeping", { stepId: op.id, until: new Date(pause.at!).toISOString() });
        return;
      }
      case "WaitForEvent": {
        const timeout = typeof op.opts?.timeout === "string" ? parseDuration(op.opts.timeout) : undefined;
        const expression = typeof op.opts?.if === "string" ? op.opts.if : undefined;
        if (expression) compile(expression);
        const pause: Pause = {
          stepId: op.id,
          kind: "wait",
          event: op.name,
          expression,
          at: timeout === undefined ? undefined : now + timeout,
        };
        this.park(run, op, pause, "Waiting");
        this.waitingRuns.add(run.id);
        this.transition(run, "waiting", { stepId: op.id, event: op.name });
        return;
      }
      case "InvokeFunction":
        this.invoke(run, op);
        return;
      case "RunComplete":
        this.finish(run, "Completed", op.data ?? null);
        return;
      case "DiscoveryRequest":
        return;
      default:
        this.log.error({ runId: run.id, op: op.op, stepId: op.id }, "unsupported opcode");
        this.finish(run, "Failed", undefined, {
          name: "UnsupportedOpcode",
          message: `the local engine does not support opcode "${op.op}"`,
        });
    }
  }

  private functionError(
    run: Run,
    job: CallJob,
    fn: FunctionConfig,
    error: unknown,
    retriable: boolean,
    retryAfterMs: number | undefined,
    status: number,
  ): void {
    if (retriable && job.attempt + 1 < maxAttempts(fn)) {
      const delay = retryAfterMs ?? this.retryDelay(job.attempt);
      this.enqueue(run, job.stepId, job.attempt + 1, Date.now() + delay);
      this.transition(run, "step retry scheduled", {
        stepId: job.stepId,
        attempt: job.attempt + 1,
        delayMs: delay,
        status,
        error: summarize(error),
      });
      return;
    }
    this.finish(run, "Failed", undefined, error);
  }

  private retryDelay(attempt: number): number {
    if (this.options.retryIntervalMs !== undefined) return this.options.retryIntervalMs;
    const base = BACKOFF_MS[Math.min(attempt, BACKOFF_MS.length - 1)];
    return base + Math.floor(Math.random() * 30_000);
  }

  private park(run: Run, op: Op, pause: Pause, status: StepRecord["status"]): void {
    addOnce(run.outstanding, op.id);
    run.pauses = [...run.pauses.filter((p) => p.stepId !== op.id), pause];
    this.stepRecord(run, op).status = status;
    this.armPause(run, pause);
  }

  private armPause(run: Run, pause: Pause): void {
    if (pause.at !== undefined) this.scheduler.schedule(pauseKey(run.id, pause.stepId), pause.at);
  }

  private pauseExpired(runId: string, stepId: string): void {
    const run = this.store.runs.get(runId);
    const pause = run?.pauses.find((p) => p.stepId === stepId);
    if (!run || !pause || !isActive(run)) return;
    const result: MemoEntry =
      pause.kind === "invoke"
        ? {
            error: {
              name: "InngestInvokeTimeoutError",
              message: "Timed out waiting for invoked function to complete",
            },
          }
        : { data: null };
    this.resumePause(run, pause, result);
  }

  private resumePause(run: Run, pause: Pause, result: MemoEntry): void {
    run.pauses = run.pauses.filter((p) => p !== pause);
    this.scheduler.cancel(pauseKey(run.id, pause.stepId));
    if (!run.pauses.some((p) => p.kind === "wait")) this.waitingRuns.delete(run.id);
    const step = run.steps.find((s) => s.id === pause.stepId);
    const op: Op = { op: "resume", id: pause.stepId, name: step?.name };
    this.memoize(run, op, result);
    this.continueIfSettled(run);
    this.store.touchRun(run);
    void this.store.flush().catch((error) => this.log.error({ err: error }, "journal write failed"));
  }

  private resumeWaits(event: EngineEvent): void {
    const incoming = eventPayload(event);
    for (const runId of [...this.waitingRuns]) {
      const run = this.store.runs.get(runId);
      if (!run || !isActive(run)) {
        this.waitingRuns.delete(runId);
        continue;
      }
      for (const pause of run.pauses) {
        if (pause.kind !== "wait" || !pause.event || !eventNameMatches(pause.event, event.name)) continue;
        let matched = true;
        if (pause.expression) {
          try {
            matched = compile(pause.expression).test({ event: eventPayload(run.event), async: incoming });
          } catch (error) {
            this.log.error({ runId, err: (error as Error).message }, "waitForEvent expression failed");
            matched = false;
          }
        }
        if (matched) {
          this.resumePause(run, pause, { data: incoming });
          break;
        }
      }
    }
  }

  private invoke(run: Run, op: Op): void {
    const functionId = String(op.opts?.function_id ?? "");
    const target = findFunction(this.store.apps.values(), functionId);
    if (!target) {
      this.recordAttempt(run, op, 0, "Failed", Date.now());
      this.memoize(run, op, {
        error: { name: "Error", message: `invoked function "${functionId}" not found` },
      });
      return;
    }
    const payload = (op.opts?.payload ?? {}) as { data?: Record<string, unknown> };
    const now = Date.now();
    const event: EngineEvent = {
      internalId: ulid(now),
      name: "inngest/function.invoked",
      data: { ...(payload.data ?? {}), _inngest: { invoke_correlation_id: `${run.id}.${op.id}` } },
      ts: now,
      receivedAt: now,
    };
    this.store.putEvent(event);
    const timeout = typeof op.opts?.timeout === "string" ? parseDuration(op.opts.timeout) : undefined;
    const pause: Pause = {
      stepId: op.id,
      kind: "invoke",
      at: timeout === undefined ? undefined : now + timeout,
    };
    this.park(run, op, pause, "Waiting");
    const child = this.createRun(target, event, { runId: run.id, stepId: op.id });
    if (child) pause.childRunId = child.id;
    this.transition(run, "waiting", { stepId: op.id, invoked: functionId, childRunId: child?.id });
  }

  private memoize(run: Run, op: Op, entry: MemoEntry): void {
    run.outstanding = run.outstanding.filter((id) => id !== op.id);
    if (run.memo[op.id]) return;
    run.memo[op.id] = entry;
    run.stack.push(op.id);
    const step = this.stepRecord(run, op);
    step.status = entry.error === undefined ? "Completed" : "Failed";
    step.output = entry.error === undefined ? entry.data : entry.error;
    this.store.touchRun(run);
    this.transition(run, entry.error === undefined ? "step completed" : "step failed", {
      stepId: op.id,
      step: step.name,
    });
  }

  /** Schedules the next discovery once nothing planned, sleeping or in flight remains. */
  private continueIfSettled(run: Run): void {
    if (!isActive(run)) return;
    if (run.jobs.length > 0 || run.pauses.length > 0 || run.outstanding.length > 0) return;
    this.enqueue(run, "step", 0, Date.now());
  }

  private stepRecord(run: Run, op: Op): StepRecord {
    let step = run.steps.find((s) => s.id === op.id);
    if (!step) {
      const userland = (op as { userland?: { id?: string } }).userland;
      step = {
        id: op.id,
        name: op.displayName ?? userland?.id ?? op.name ?? op.id,
        op: op.op,
        status: "Running",
        attempts: [],
      };
      run.steps.push(step);
    }
    return step;
  }

  private recordAttempt(
    run: Run,
    op: Op,
    attempt: number,
    status: "Completed" | "Failed" | "Errored",
    startedAt: number,
  ) {
    const step = this.stepRecord(run, op);
    step.attempts.push({
      attempt,
      status,
      started_at: new Date(startedAt).toISOString(),
      ended_at: new Date().toISOString(),
      ...(op.error === undefined ? {} : { error: op.error }),
    });
  }

  private finish(
    run: Run,
    status: "Completed" | "Failed" | "Cancelled",
    output?: unknown,
    error?: unknown,
  ): void {
    if (!isActive(run)) return;
    run.status = status;
    run.endedAt = Date.now();
    run.output = output;
    run.error = error;
    for (const job of run.jobs) this.scheduler.cancel(jobKey(run.id, job.qi));
    for (const pause of run.pauses) this.scheduler.cancel(pauseKey(run.id, pause.stepId));
    run.jobs = [];
    run.pauses = [];
    run.outstanding = [];
    this.waitingRuns.delete(run.id);
    this.store.touchRun(run);
    if (status === "Completed") this.transition(run, "completed");
    else {
      const transition = status.toLowerCase();
      const level = status === "Failed" ? "error" : "info";
      this.log[level]({ runId: run.id, functionId: run.functionId, transition, error }, `run ${transition}`);
    }

    if (run.event.name !== "inngest/function.failed" && run.event.name !== "inngest/function.finished") {
      const base = { function_id: run.functionId, run_id: run.id, event: eventPayload(run.event) };
      if (status === "Failed") this.internalEvent("inngest/function.failed", { ...base, error }, run.id);
      this.internalEvent(
        "inngest/function.finished",
        status === "Completed" ? { ...base, result: output } : { ...base, error },
        run.id,
      );
    }
    if (run.invokedBy) {
      const parent = this.store.runs.get(run.invokedBy.runId);
      const pause = parent?.pauses.find((p) => p.stepId === run.invokedBy!.stepId);
      if (parent && pause && isActive(parent)) {
        this.resumePause(parent, pause, status === "Completed" ? { data: output ?? null } : { error });
      }
    }
  }

  private fireCron(appId: string, functionId: string, index: number): void {
    const app = this.store.apps.get(appId);
    const fn = app?.functions.find((f) => f.id === functionId);
    const trigger = fn?.triggers?.[index];
    if (!app || !fn || !trigger?.cron) return;
    const now = Date.now();
    const event: EngineEvent = {
      internalId: ulid(now),
      name: "inngest/scheduled.timer",
      data: { cron: trigger.cron },
      ts: now,
      receivedAt: now,
    };
    this.store.putEvent(event);
    this.createRun({ app, fn }, event);
    void this.store.flush().catch((error) => this.log.error({ err: error }, "journal write failed"));
    this.scheduler.schedule(cronKey(appId, functionId, index), parseCron(trigger.cron).next(now));
  }

  // ---------------------------------------------------------------- checkpoints

  /** `POST /v1/checkpoint/:runId/async`: steps the SDK already ran inside the current request. */
  checkpoint(runId: string, body: { qi_id?: string; steps?: Op[] }): void {
    const run = this.store.runs.get(runId);
    if (!run) throw new CheckpointConflict(`run ${runId} not found`);
    const job = run.jobs.find((j) => j.qi === body.qi_id);
    if (!isActive(run) || !job) throw new CheckpointConflict(`stale dispatch for run ${runId}`);
    const target = findFunction(this.store.apps.values(), run.functionId);
    if (!target) throw new CheckpointConflict(`function ${run.functionId} is not synced`);
    const now = Date.now();
    for (const op of body.steps ?? []) {
      if (!isActive(run)) break;
      this.applyOp(run, job, target.fn, op, now);
    }
    this.store.touchRun(run);
  }

  /** Legacy sync checkpoint (`POST /v1/checkpoint/:runId/steps`), memoising StepRun ops only. */
  checkpointSteps(runId: string, steps: Op[]): void {
    const run = this.store.runs.get(runId);
    if (!run || !isActive(run)) throw new CheckpointConflict(`run ${runId} not active`);
    for (const op of steps) if (op.op === "StepRun") this.memoize(run, op, { data: op.data ?? null });
  }

  private transition(run: Run, transition: string, extra: Record<string, unknown> = {}): void {
    this.log.info({ runId: run.id, functionId: run.functionId, transition, ...extra }, `run ${transition}`);
  }
}

function isActive(run: Run): boolean {
  return run.status === "Queued" || run.status === "Running";
}

function maxAttempts(fn: FunctionConfig): number {
  const retries = fn.steps?.step?.retries?.attempts;
  return (typeof retries === "number" ? retries : DEFAULT_RETRIES) + 1;
}

/** Batched unless the configuration is unsupported (such a run fails loudly at once instead). */
function isBatched(match: TriggerMatch): boolean {
  const config = match.fn.batchEvents;
  return !!config && !match.error && unsupportedOptions(match.fn).length === 0;
}

function addOnce(list: string[], id: string): void {
  if (!list.includes(id)) list.push(id);
}

function parseSlots(keys: string[]): Slots {
  return keys.map((k) => {
    const bar = k.indexOf("|");
    return { limit: Number(k.slice(0, bar)), key: k.slice(bar + 1) };
  });
}

function summarize(error: unknown): unknown {
  if (error && typeof error === "object" && "message" in error)
    return (error as { message: unknown }).message;
  return error;
}

const jobKey = (runId: string, qi: string) => `job|${runId}|${qi}`;
const pauseKey = (runId: string, stepId: string) => `pause|${runId}|${stepId}`;
const cronKey = (appId: string, fnId: string, index: number) => `cron|${appId}|${fnId}|${index}`;
const batchKey = (batchId: string) => `batch|${batchId}`;
const batchSlot = (fnId: string, key: string) => `${fnId}\u0000${key}`;
