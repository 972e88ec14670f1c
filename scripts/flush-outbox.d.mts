export type FlushOutboxOptions = {
  /** The engine's base URL (INNGEST_BASE_URL). */
  engineUrl: string;
  /** The event key in `POST /e/<key>` (any in dev mode). */
  eventKey?: string;
  intervalMs?: number;
  signal?: AbortSignal;
  /** An answer other than "not up yet" (which is retried quietly). */
  onError?: (error: unknown) => void;
};

export function flushOutboxOnceSynced(options: FlushOutboxOptions): Promise<boolean>;
