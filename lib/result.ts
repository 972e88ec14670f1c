/** What a domain operation returns to an action or a route: its data, or a message a user can read. */
export type OperationResult<T> = { ok: true; data: T } | { ok: false; message: string };
