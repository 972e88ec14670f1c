export type ProcessSpec = {
  name: string;
  command: string;
  args: string[];
  /** Added to the supervisor's own environment. */
  env?: Record<string, string>;
  /** ANSI colour of the `[name]` prefix. */
  color?: number;
};

export type SuperviseOptions = {
  /** Where prefixed output lines go (default: stdout). */
  write: (text: string) => void;
  /** Applied to every output line of a child (dev: the pretty log formatter). */
  formatLine: (line: string) => string;
  color: boolean;
  initialBackoffMs: number;
  maxBackoffMs: number;
  /** A process that ran this long before exiting counts as started: its backoff starts over. */
  stableMs: number;
  /** After this many exits in a row each sooner than `stableMs`, everything stops with code 1. */
  maxFailedStarts: number;
  /** SIGTERM to SIGKILL. */
  stopTimeoutMs: number;
  /** SIGINT, SIGTERM and SIGHUP stop everything (a second SIGINT kills at once). */
  handleSignals: boolean;
  /** A watchdog process stops the groups if the supervisor dies without stopping them. */
  watchdog: boolean;
};

export type Supervisor = {
  stop(code?: number): Promise<number>;
  done: Promise<number>;
  /** The running process (and process group) id of each spec, undefined while it is down. */
  pids(): Record<string, number | undefined>;
};

export function supervise(specs: ProcessSpec[], options?: Partial<SuperviseOptions>): Supervisor;
export function groupAlive(pgid: number): boolean;
export function stopGroup(pgid: number, timeoutMs: number): Promise<void>;
