/**
 * Public AWS prices, the only place the cost model reads them. Prices as published for
 * us-east-1 on 2026-11-27; check before relying. All in US dollars, first pricing tier.
 */
export const PRICES = {
  region: 'us-east-1',
  takenOn: '2026-11-27',
  /** SQS standard queue, per million requests (each 64 KB chunk of a payload is a request). */
  sqsPerMillionRequests: 0.4,
  /** DynamoDB on-demand, per million write request units (1 KB each). */
  dynamodbPerMillionWrites: 0.625,
  /** DynamoDB on-demand, per million read request units (4 KB strongly consistent). */
  dynamodbPerMillionReads: 0.125,
  /** Lambda on Arm (Graviton), per GB-second of duration. */
  lambdaArmPerGbSecond: 0.0000133334,
  /** Lambda, per million requests. */
  lambdaPerMillionRequests: 0.2,
  /** API Gateway HTTP API, per million requests (first 300 million a month, 512 KB each). */
  httpApiPerMillionRequests: 1.0,
} as const;

/** The sentence printed with every cost figure. */
export const PRICES_NOTE = `prices as published for ${PRICES.region} on ${PRICES.takenOn}; check before relying`;
