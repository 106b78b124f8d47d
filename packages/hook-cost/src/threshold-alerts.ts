import type { HookContext, Logger } from '@llmspell/core';
import type { RecordOutcome, UsageRecord } from './cost-store.js';
import { picoToUsd, usdToPico } from './money.js';
import {
  type AlertDelivery,
  type ThresholdAlert,
  WebhookAlerter,
  type WebhookAlerterOptions,
} from './webhook-alerter.js';

/** Options of `ThresholdAlerts`, already validated and defaulted by the hook. */
export interface ThresholdAlertsOptions {
  thresholdUsd: number;
  /** Where alerts are POSTed; undefined: the event and the log only. */
  webhook: WebhookAlerterOptions | undefined;
  logger: Logger;
}

/**
 * Alerts once when a component's total steps over the threshold: an event, a warning and (with a webhook)
 * one POST delivered off the caller's path.
 */
export class ThresholdAlerts {
  readonly #thresholdUsd: number;
  readonly #thresholdPicoUsd: bigint;
  readonly #alerter: WebhookAlerter | undefined;
  readonly #logger: Logger;

  constructor(options: ThresholdAlertsOptions) {
    this.#thresholdUsd = options.thresholdUsd;
    this.#thresholdPicoUsd = usdToPico(options.thresholdUsd)!;
    this.#alerter = options.webhook && new WebhookAlerter(options.webhook);
    this.#logger = options.logger;
  }

  /** Alerts when this record is the one that took its component's total over the threshold. */
  check(outcome: RecordOutcome, usage: UsageRecord, model: string | undefined, context: HookContext): void {
    if (!outcome.applied || usage.costPicoUsd === null) return;
    const threshold = this.#thresholdPicoUsd;
    const after = outcome.component.costPicoUsd;
    const before = after - usage.costPicoUsd;
    // The store adds atomically, so exactly one record (in any process) sees the total step over.
    if (!(before <= threshold && after > threshold)) return;
    const totalCost = picoToUsd(after);
    const details = {
      component: usage.component,
      totalCost,
      threshold: this.#thresholdUsd,
      model: model ?? null,
    };
    context.emitEvent('cost.threshold_exceeded', details);
    context.metrics.increment('cost_threshold_exceeded');
    this.#logger.warn(details, 'Cost threshold exceeded');
    if (!this.#alerter) return;
    const alert: ThresholdAlert = {
      message: `Cost threshold exceeded for ${usage.component}: $${totalCost} > $${details.threshold}`,
      details,
      timestamp: new Date().toISOString(),
    };
    this.#alerter.send(alert, (delivery) => this.#onDelivery(delivery, details, context));
  }

  /** Waits for every delivery in flight. */
  async flush(): Promise<void> {
    await this.#alerter?.flush();
  }

  #onDelivery(delivery: AlertDelivery, details: ThresholdAlert['details'], context: HookContext): void {
    if (delivery.delivered) {
      context.metrics.increment('cost_alerts_delivered');
      return;
    }
    context.metrics.increment('cost_alert_failures');
    context.emitEvent('cost.alert_failed', {
      ...details,
      attempts: delivery.attempts,
      error: delivery.error,
    });
    this.#logger.warn(
      { ...details, attempts: delivery.attempts, error: delivery.error },
      'Cost alert webhook failed; check webhookUrl',
    );
  }
}
