/**
 * Timer queue: keyed work items with a due time, a single Node timer for the earliest one, and a
 * "blocked" set for items whose handler declined to run (e.g. no concurrency slot) until unblocked.
 */
export type DueHandler = (key: string) => boolean;

interface Entry {
  key: string;
  at: number;
}

export class Scheduler {
  private readonly due = new Map<string, number>();
  private heap: Entry[] = [];
  private readonly blocked = new Set<string>();
  private timer: NodeJS.Timeout | undefined;
  private timerAt = Number.POSITIVE_INFINITY;
  private stopped = false;
  private pumping = false;

  constructor(private readonly onDue: DueHandler) {}

  schedule(key: string, at: number): void {
    if (this.stopped) return;
    this.blocked.delete(key);
    this.due.set(key, at);
    this.push({ key, at });
    this.arm();
  }

  cancel(key: string): void {
    this.due.delete(key);
    this.blocked.delete(key);
  }

  has(key: string): boolean {
    return this.due.has(key) || this.blocked.has(key);
  }

  /** Moves every blocked item back to the queue, due now. */
  unblock(): void {
    if (this.blocked.size === 0) return;
    const now = Date.now();
    const keys = [...this.blocked];
    this.blocked.clear();
    for (const key of keys) this.schedule(key, now);
  }

  stop(): void {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
  }

  private arm(): void {
    const top = this.peekValid();
    if (!top) return;
    if (top.at >= this.timerAt && this.timer) return;
    if (this.timer) clearTimeout(this.timer);
    this.timerAt = top.at;
    // Node timers overflow past ~24.8 days; re-arm in steps instead.
    const delay = Math.min(Math.max(0, top.at - Date.now()), 2 ** 31 - 1);
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.timerAt = Number.POSITIVE_INFINITY;
      this.pump();
    }, delay);
  }

  private pump(): void {
    if (this.pumping || this.stopped) return;
    this.pumping = true;
    try {
      const now = Date.now();
      for (let top = this.peekValid(); top && top.at <= now; top = this.peekValid()) {
        this.pop();
        this.due.delete(top.key);
        let ran = true;
        try {
          ran = this.onDue(top.key);
        } catch {
          ran = true;
        }
        if (!ran) this.blocked.add(top.key);
      }
    } finally {
      this.pumping = false;
    }
    this.arm();
  }

  /** Drops stale heap entries (cancelled or rescheduled) and returns the live minimum. */
  private peekValid(): Entry | undefined {
    while (this.heap.length > 0) {
      const top = this.heap[0];
      if (this.due.get(top.key) === top.at) return top;
      this.pop();
    }
    return undefined;
  }

  private push(entry: Entry): void {
    const h = this.heap;
    h.push(entry);
    let i = h.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (h[parent].at <= h[i].at) break;
      [h[parent], h[i]] = [h[i], h[parent]];
      i = parent;
    }
  }

  private pop(): void {
    const h = this.heap;
    const last = h.pop()!;
    if (h.length === 0) return;
    h[0] = last;
    let i = 0;
    for (;;) {
      const l = 2 * i + 1;
      const r = l + 1;
      let m = i;
      if (l < h.length && h[l].at < h[m].at) m = l;
      if (r < h.length && h[r].at < h[m].at) m = r;
      if (m === i) break;
      [h[m], h[i]] = [h[i], h[m]];
      i = m;
    }
  }
}
