import type { Logger } from '../ports.js';
import { allBreakerEvents, BreakerNotices, breakerMetrics } from './breakerEvents.js';
import { breakerLog } from './breakerLog.js';
import type { BreakerEvents, FlowMetrics, NoticePublisher } from './ports.js';

/** Who hears of breaker transitions: the pipeline's name, its counts, the alarm targets. */
export interface BreakerAnnouncementOptions {
  pipeline: string;
  logger: Logger;
  metrics?: FlowMetrics;
  /** The alarm topic; without one, transitions are logged and counted only. */
  notices?: NoticePublisher;
}

/** Breaker events, and a wait for the notices still being published. */
export type BreakerAnnouncements = BreakerEvents & { settled(): Promise<void> };

/**
 * Every breaker transition logged, counted (when there are metrics) and, for openings and
 * closings, published to the alarm targets (when there is a topic). The consumer and the
 * operator's front-ends (API, CLI, console) build theirs here, so all say the same.
 */
export function breakerAnnouncements(options: BreakerAnnouncementOptions): BreakerAnnouncements {
  const { logger, metrics, notices } = options;
  const published = notices
    ? new BreakerNotices({ pipeline: options.pipeline, publisher: notices, logger })
    : undefined;
  const events = allBreakerEvents(
    logger,
    breakerLog(logger),
    ...(metrics ? [breakerMetrics(metrics)] : []),
    ...(published ? [published] : []),
  );
  return { changed: events.changed, settled: () => published?.settled() ?? Promise.resolve() };
}
