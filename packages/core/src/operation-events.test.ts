import { describe, expect, it } from 'vitest';
import { componentId } from './component-id.js';
import { HookCancelledError } from './errors/hook-cancelled-error.js';
import { EventBus } from './events.js';
import { HookContext } from './hook-context.js';
import { HookPoint } from './hook-point.js';
import { emitOperationFinished, emitOperationStarted } from './operation-events.js';

function contextWith(events: EventBus | undefined) {
  return new HookContext({
    hookPoint: HookPoint.BeforeAgentExecution,
    componentId: componentId('writer', 'agent'),
    events,
  });
}

describe('operation events', () => {
  it('publishes started and finished with the component, the correlation id and the outcome', () => {
    const events = new EventBus();
    const context = contextWith(events);
    emitOperationStarted(context);
    emitOperationFinished(context);
    const [started, finished] = events.query('operation.*');
    expect(started).toMatchObject({
      type: 'operation.started',
      correlationId: context.correlationId,
      payload: { component: { name: 'writer', componentType: 'agent' } },
    });
    expect(finished).toMatchObject({ type: 'operation.finished', payload: { outcome: 'success' } });
    expect(finished?.correlationId).toBe(context.correlationId);
  });

  it('tells a hook cancel from any other failure', () => {
    const events = new EventBus();
    const context = contextWith(events);
    emitOperationFinished(
      context,
      new HookCancelledError({ reason: 'injection', hookPoint: HookPoint.BeforeAgentExecution }),
    );
    emitOperationFinished(context, new TypeError('boom'));
    emitOperationFinished(context, 'a string');
    expect(events.query('operation.finished').map((event) => event.payload)).toEqual([
      expect.objectContaining({ outcome: 'cancelled', errorName: 'HookCancelledError' }),
      expect.objectContaining({ outcome: 'error', error: 'boom', errorName: 'TypeError' }),
      expect.objectContaining({ outcome: 'error', error: 'a string', errorName: 'string' }),
    ]);
  });

  it('keeps a throwing event sink from breaking the call it reports on', () => {
    const context = new HookContext({
      hookPoint: HookPoint.BeforeAgentExecution,
      componentId: componentId('writer', 'agent'),
      events: {
        publish() {
          throw new Error('sink down');
        },
      },
    });
    expect(() => emitOperationStarted(context)).not.toThrow();
    expect(() => emitOperationFinished(context, new Error('x'))).not.toThrow();
  });
});
