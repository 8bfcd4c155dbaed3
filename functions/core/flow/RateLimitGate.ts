import type {
  Admission,
  AdmissionGate,
  AdmissionRequest,
  GateFactory,
} from '../consumer/admission/types.js';
import type { Clock } from '../ports.js';
import { flowKey } from './flowKey.js';
import type { FlowSettings } from './flowSettings.js';
import { RateLimiter } from './RateLimiter.js';
import type { RateLimitStore } from './RateLimitStore.js';

/**
 * `rateLimit` of `defineTask`: a task over its type's (or key's) limit is deferred until
 * its next token (DESIGN §11). A type without one takes its entry in `defaults` (the
 * pipeline's email send rate, say); a type with neither gets no gate, and no request.
 */
export function rateLimitGates(
  store: RateLimitStore,
  clock: Clock,
  defaults: Readonly<Record<string, NonNullable<FlowSettings['rateLimit']>>> = {},
): GateFactory {
  const limiter = new RateLimiter(store, clock);
  return (definition) => {
    const policy = definition.rateLimit ?? defaults[definition.type];
    if (!policy) return undefined;
    const gate: AdmissionGate = {
      name: 'rate_limit',
      async admit(request: AdmissionRequest): Promise<Admission> {
        // A payload its schema refuses fails at once, with no side effect to limit.
        if (request.payload === undefined) return { kind: 'run' };
        const key = flowKey(policy.key, request.payload);
        const acquired = await limiter.acquire(`${request.type}#${key}`, policy);
        if (acquired.granted) return { kind: 'run' };
        return {
          kind: 'defer',
          delayMs: Math.max(0, acquired.retryAt - request.now),
          reason: 'rate_limit',
          detail: {
            perSecond: policy.perSecond,
            burst: policy.burst,
            ...(key ? { key } : {}),
            nextTokenAt: new Date(acquired.retryAt).toISOString(),
          },
        };
      },
    };
    return gate;
  };
}
