/** The system code (`ECONNREFUSED`…) of a failed `fetch`: a TypeError whose cause carries it. */
export function systemErrorCode(thrown: unknown): string | undefined {
  const cause: unknown = thrown instanceof Error ? thrown.cause : undefined;
  if (typeof cause === 'object' && cause !== null && 'code' in cause) {
    return typeof cause.code === 'string' ? cause.code : undefined;
  }
  return undefined;
}
