/** Short policies so a retried task settles in seconds, not minutes. */
export const CHAOS_POLICY = {
  maxAttempts: 4,
  backoff: { baseMs: 100, capMs: 1_000 },
  timeoutMs: 300,
} as const;
/** The http.post tasks' own request timeout, well inside the task timeout. */
export const WEBHOOK_TIMEOUT_MS = 400;
