import type { EventSink, Logger, MetricsRecorder } from '@llmspell/core';
import type { Watchdog } from './watchdog.js';

/** What every run of an executor shares. */
export interface DispatchEnvironment {
  readonly events: EventSink | undefined;
  readonly metrics: MetricsRecorder | undefined;
  readonly logger: Logger;
  readonly watchdog: Watchdog;
  readonly timingSampleInterval: number;
}
