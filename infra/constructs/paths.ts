import { fileURLToPath } from 'node:url';

/** The repository root: the consumer's bundling starts here. */
export const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));
/** The consumer Lambda entry point. */
export const DEFAULT_CONSUMER_ENTRY = fileURLToPath(
  new URL('../../functions/consumer/handler.ts', import.meta.url),
);
/** The api Lambda entry point. */
export const DEFAULT_API_ENTRY = fileURLToPath(
  new URL('../../functions/api/handler.ts', import.meta.url),
);
