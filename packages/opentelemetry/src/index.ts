export type { OpenTelemetryObserver, OpenTelemetryObserverOptions } from './open-telemetry-observer.js';
export { openTelemetryObserver } from './open-telemetry-observer.js';
