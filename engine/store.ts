import fs from "node:fs";
import path from "node:path";
import type { AppRecord, EngineEvent, PendingBatch, Run } from "./types";

/**
 * Durable state: an in-memory model backed by an append-only JSONL journal (fsync'd before callers
 * are answered) and a snapshot written atomically (tmp + rename) when the journal grows. Every record
 * is a full upsert (or a delete), so replaying the journal over a newer snapshot is harmless.
 */

type JournalRecord =
  | { t: "event"; event: EngineEvent }
  | { t: "run"; run: Run }
  | { t: "app"; app: AppRecord }
  | { t: "idem"; key: string; expiresAt: number }
  | { t: "eventKey"; key: string; expiresAt: number }
  | { t: "batch"; batch: PendingBatch }
  | { t: "batchDone"; id: string };

interface Snapshot {
  events: EngineEvent[];
  runs: Run[];
  apps: AppRecord[];
  idempotency: [string, number][];
  eventKeys: [string, number][];
  /** Absent in snapshots written before batching existed. */
  batches?: PendingBatch[];
}

const RETENTION_MS = 7 * 86_400_000;
const COMPACT_BYTES = 16 * 1024 * 1024;

export class Store {
  readonly events = new Map<string, EngineEvent>();
  readonly runs = new Map<string, Run>();
  readonly apps = new Map<string, AppRecord>();
  /** Function idempotency keys → expiry. */
  readonly idempotency = new Map<string, number>();
  /** User-supplied event ids → expiry (24 h dedupe). */
  readonly eventKeys = new Map<string, number>();
  /** Partly filled `batchEvents` batches by batch id. */
  readonly batches = new Map<string, PendingBatch>();

  private readonly journalPath: string;
  private readonly snapshotPath: string;
  private fd: number;
  private journalBytes = 0;
  private dirtyRuns = new Set<string>();
  private dirtyBatches = new Set<string>();
  /** Batches that became runs; journaled after the runs so a torn write cannot lose both. */
  private doneBatches: string[] = [];
  private pending: JournalRecord[] = [];
  private waiters: { resolve: () => void; reject: (e: unknown) => void }[] = [];
  private flushScheduled = false;
  /** An async write + fsync is in flight; the next batch waits for it (journal lines stay in order). */
  private writing = false;
  /** Where a failed compaction is reported (the journal stays valid; it is only bigger). */
  log?: (error: unknown) => void;
  private closed = false;

  constructor(readonly dir: string) {
    fs.mkdirSync(dir, { recursive: true });
    this.journalPath = path.join(dir, "journal.jsonl");
    this.snapshotPath = path.join(dir, "snapshot.json");
    this.load();
    this.fd = fs.openSync(this.journalPath, "a");
    this.compact();
  }

  putEvent(event: EngineEvent): void {
    this.events.set(event.internalId, event);
    this.pending.push({ t: "event", event });
  }

  putApp(app: AppRecord): void {
    this.apps.set(app.id, app);
    this.pending.push({ t: "app", app });
  }

  putIdempotencyKey(key: string, expiresAt: number): void {
    this.idempotency.set(key, expiresAt);
    this.pending.push({ t: "idem", key, expiresAt });
  }

  putEventKey(key: string, expiresAt: number): void {
    this.eventKeys.set(key, expiresAt);
    this.pending.push({ t: "eventKey", key, expiresAt });
  }

  /** Marks a run changed; it is serialised once per flush however often it changed. */
  touchRun(run: Run): void {
    this.runs.set(run.id, run);
    this.dirtyRuns.add(run.id);
  }

  /** Marks a pending batch changed (an event was added); serialised once per flush. */
  touchBatch(batch: PendingBatch): void {
    this.batches.set(batch.id, batch);
    this.dirtyBatches.add(batch.id);
  }

  /** Drops a pending batch that has started its run (the run carries `batchId`). */
  deleteBatch(id: string): void {
    this.batches.delete(id);
    this.dirtyBatches.delete(id);
    this.doneBatches.push(id);
  }

  /**
   * Resolves once everything recorded so far is on disk. Concurrent callers share one fsync, and the
   * write + fsync run off the event loop: while one batch syncs, the next one gathers.
   */
  flush(): Promise<void> {
    if (this.closed) return Promise.resolve();
    return new Promise((resolve, reject) => {
      this.waiters.push({ resolve, reject });
      this.scheduleWrite();
    });
  }

  close(): void {
    if (this.closed) return;
    // An async batch already handed to the kernel completes on its own; this writes what is left.
    this.writeBatchSync();
    this.closed = true;
    fs.closeSync(this.fd);
  }

  private scheduleWrite(): void {
    if (this.flushScheduled || this.writing) return;
    this.flushScheduled = true;
    setImmediate(() => this.writeBatch());
  }

  /** Takes everything recorded so far as one block of journal lines. */
  private takeBatch(): string {
    const records = this.pending;
    this.pending = [];
    for (const id of this.dirtyRuns) {
      const run = this.runs.get(id);
      if (run) records.push({ t: "run", run });
    }
    this.dirtyRuns.clear();
    for (const id of this.dirtyBatches) {
      const batch = this.batches.get(id);
      if (batch) records.push({ t: "batch", batch });
    }
    this.dirtyBatches.clear();
    for (const id of this.doneBatches) records.push({ t: "batchDone", id });
    this.doneBatches = [];
    return records.length > 0 ? `${records.map((r) => JSON.stringify(r)).join("\n")}\n` : "";
  }

  private writeBatch(): void {
    this.flushScheduled = false;
    if (this.closed) {
      for (const w of this.waiters.splice(0)) w.resolve();
      return;
    }
    const waiters = this.waiters;
    this.waiters = [];
    let text: string;
    try {
      text = this.takeBatch();
    } catch (error) {
      for (const w of waiters) w.reject(error);
      return;
    }
    if (!text) {
      for (const w of waiters) w.resolve();
      return;
    }
    this.writing = true;
    const buffer = Buffer.from(text);
    const done = (error: Error | null) => {
      this.writing = false;
      if (error) for (const w of waiters) w.reject(error);
      else {
        this.journalBytes += buffer.length;
        try {
          if (this.journalBytes > COMPACT_BYTES && !this.closed) this.compact();
        } catch (compactError) {
          this.log?.(compactError);
        }
        for (const w of waiters) w.resolve();
      }
      if (this.waiters.length > 0) this.scheduleWrite();
    };
    const writeFrom = (offset: number) => {
      fs.write(this.fd, buffer, offset, buffer.length - offset, null, (error, written) => {
        if (error) return done(error);
        if (offset + written < buffer.length) return writeFrom(offset + written);
        fs.fsync(this.fd, (syncError) => done(syncError));
      });
    };
    writeFrom(0);
  }

  private writeBatchSync(): void {
    const waiters = this.waiters;
    this.waiters = [];
    try {
      const text = this.takeBatch();
      if (text && !this.closed) {
        fs.writeSync(this.fd, text);
        fs.fsyncSync(this.fd);
        this.journalBytes += Buffer.byteLength(text);
      }
      for (const w of waiters) w.resolve();
    } catch (error) {
      for (const w of waiters) w.reject(error);
    }
  }

  private apply(record: JournalRecord): void {
    switch (record.t) {
      case "event":
        this.events.set(record.event.internalId, record.event);
        break;
      case "run":
        this.runs.set(record.run.id, record.run);
        break;
      case "app":
        this.apps.set(record.app.id, record.app);
        break;
      case "idem":
        this.idempotency.set(record.key, record.expiresAt);
        break;
      case "eventKey":
        this.eventKeys.set(record.key, record.expiresAt);
        break;
      case "batch":
        this.batches.set(record.batch.id, record.batch);
        break;
      case "batchDone":
        this.batches.delete(record.id);
        break;
    }
  }

  private load(): void {
    if (fs.existsSync(this.snapshotPath)) {
      const snap = JSON.parse(fs.readFileSync(this.snapshotPath, "utf8")) as Snapshot;
      for (const e of snap.events) this.events.set(e.internalId, e);
      for (const r of snap.runs) this.runs.set(r.id, r);
      for (const a of snap.apps) this.apps.set(a.id, a);
      for (const [k, v] of snap.idempotency) this.idempotency.set(k, v);
      for (const [k, v] of snap.eventKeys) this.eventKeys.set(k, v);
      for (const b of snap.batches ?? []) this.batches.set(b.id, b);
    }
    if (fs.existsSync(this.journalPath)) {
      const lines = fs.readFileSync(this.journalPath, "utf8").split("\n");
      for (const line of lines) {
        if (!line.trim()) continue;
        try {
          this.apply(JSON.parse(line) as JournalRecord);
        } catch {
          // A line torn by a crash mid-write was never acknowledged to anyone; skip it.
        }
      }
    }
    // A batch whose run is on disk has been consumed, whatever the order its records reached the disk in.
    for (const run of this.runs.values()) if (run.batchId) this.batches.delete(run.batchId);
  }

  /** Writes a fresh snapshot (dropping expired data) and truncates the journal. */
  compact(now = Date.now()): void {
    for (const [k, exp] of this.idempotency) if (exp < now) this.idempotency.delete(k);
    for (const [k, exp] of this.eventKeys) if (exp < now) this.eventKeys.delete(k);
    const liveEvents = new Set<string>();
    for (const [id, run] of this.runs) {
      const terminal = run.status !== "Running" && run.status !== "Queued";
      if (terminal && (run.endedAt ?? now) < now - RETENTION_MS) this.runs.delete(id);
      else {
        liveEvents.add(run.eventId);
        for (const id of run.batchEventIds ?? []) liveEvents.add(id);
      }
    }
    for (const batch of this.batches.values()) for (const id of batch.eventIds) liveEvents.add(id);
    for (const [id, ev] of this.events) {
      if (ev.receivedAt < now - RETENTION_MS && !liveEvents.has(id)) this.events.delete(id);
    }
    const snapshot: Snapshot = {
      events: [...this.events.values()],
      runs: [...this.runs.values()],
      apps: [...this.apps.values()],
      idempotency: [...this.idempotency],
      eventKeys: [...this.eventKeys],
      batches: [...this.batches.values()],
    };
    const tmp = `${this.snapshotPath}.tmp`;
    const fd = fs.openSync(tmp, "w");
    fs.writeSync(fd, JSON.stringify(snapshot));
    fs.fsyncSync(fd);
    fs.closeSync(fd);
    fs.renameSync(tmp, this.snapshotPath);
    const dirFd = fs.openSync(this.dir, "r");
    fs.fsyncSync(dirFd);
    fs.closeSync(dirFd);
    fs.ftruncateSync(this.fd, 0);
    fs.fsyncSync(this.fd);
    this.journalBytes = 0;
  }
}
