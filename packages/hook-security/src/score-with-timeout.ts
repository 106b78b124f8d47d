import type { PromptInjectionClassifier } from './prompt-injection-classifier.js';

function isScore(value: unknown): value is number {
  return typeof value === 'number' && value >= 0 && value <= 1;
}

function describeFailure(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/**
 * Asks `classifier` for a score within `timeoutMs`: the score, or a sentence saying why there is none
 * (it threw, rejected, timed out, or answered something other than a number in 0..1). Never throws; the
 * classifier's signal aborts when the time runs out.
 */
export async function scoreWithTimeout(
  classifier: PromptInjectionClassifier,
  text: string,
  timeoutMs: number,
): Promise<number | string> {
  const controller = new AbortController();
  let timer: ReturnType<typeof setTimeout> | undefined;
  try {
    const answer = classifier.score(text, { signal: controller.signal });
    if (!(answer instanceof Promise)) {
      return isScore(answer) ? answer : `answered ${String(answer)}, not a score in 0..1`;
    }
    const timeout = new Promise<string>((resolve) => {
      timer = setTimeout(() => {
        controller.abort(new Error(`timed out after ${timeoutMs} ms`));
        resolve(`timed out after ${timeoutMs} ms`);
      }, timeoutMs);
    });
    const settled = await Promise.race([
      answer.then(
        (value) => (isScore(value) ? value : `answered ${String(value)}, not a score in 0..1`),
        (error: unknown) => `failed: ${describeFailure(error)}`,
      ),
      timeout,
    ]);
    return settled;
  } catch (error) {
    return `failed: ${describeFailure(error)}`;
  } finally {
    if (timer !== undefined) clearTimeout(timer);
  }
}
