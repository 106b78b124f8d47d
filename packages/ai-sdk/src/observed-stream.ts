import { LlmspellError } from '@llmspell/core';
import type { ModelCall } from './model-call.js';
import { outputOf } from './model-output.js';
import type { StreamPart } from './model-types.js';
import { StreamContent } from './stream-content.js';

/**
 * `source` passed through unchanged, while its text, usage and errors are collected; when it finishes,
 * AfterAgentExecution runs before the `finish` part is delivered (so a reader that saw the end knows the
 * hooks ran). An After `cancel` adds an `error` part with a `HookCancelledError` before `finish` — what was
 * streamed cannot be recalled. A stream that breaks or is cancelled by its reader runs AgentError instead.
 * `answered` marks a replayed answer: `data.output` is already set and is left as the hook gave it.
 */
export function observeStream(
  call: ModelCall,
  source: ReadableStream<StreamPart>,
  answered: boolean,
): ReadableStream<StreamPart> {
  const reader = source.getReader();
  const content = new StreamContent();
  let finish: StreamPart | undefined;
  let settled = false;

  const complete = async (controller: ReadableStreamDefaultController<StreamPart>): Promise<void> => {
    settled = true;
    if (!answered) call.describe(outputOf(content.content()), content.usage);
    if (content.failed) call.data.error = content.error;
    try {
      const outcome = await call.after();
      const answer = outcome.result;
      if (answer.type === 'cancel') {
        const cancelled = call.cancelledAfter(outcome, answer.reason);
        controller.enqueue({ type: 'error', error: cancelled });
        call.finish(cancelled);
      }
    } catch (error) {
      controller.enqueue({ type: 'error', error });
      call.finish(error);
    }
    if (content.failed) call.finish(content.error);
    call.finish();
    if (finish !== undefined) controller.enqueue(finish);
    controller.close();
  };

  return new ReadableStream<StreamPart>(
    {
      async pull(controller) {
        // Reads until one part is delivered or the stream ends: a pull that enqueues nothing is not called again.
        for (;;) {
          let next: Awaited<ReturnType<typeof reader.read>>;
          try {
            next = await reader.read();
          } catch (error) {
            settled = true;
            await call.failed(error);
            call.finish(error);
            controller.error(error);
            return;
          }
          if (next.done) {
            await complete(controller);
            return;
          }
          const part = next.value;
          content.add(part);
          if (part.type === 'finish') {
            finish = part;
            continue;
          }
          controller.enqueue(part);
          return;
        }
      },
      async cancel(reason) {
        try {
          await reader.cancel(reason);
        } catch {
          // The source may already be closed or broken; the reader gave up on it either way.
        }
        if (settled) return;
        settled = true;
        const error =
          reason instanceof Error
            ? reason
            : new LlmspellError('The model stream was cancelled by its reader before it finished', {
                cause: reason,
              });
        await call.failed(error);
        call.finish(error);
      },
    },
    { highWaterMark: 0 },
  );
}
