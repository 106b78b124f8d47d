/**
 * A model that scores how likely a text is a prompt injection, plugged into
 * `detectors.promptInjection.classifier` (a local ONNX model, a hosted API). The built-in classifier is one.
 */
export interface PromptInjectionClassifier {
  /** Reported in violations (`pattern: classifier:<name>`). */
  readonly name: string;
  /** 0 (benign) … 1 (injection). `signal` aborts when the hook's `timeoutMs` runs out. */
  score(text: string, options: { signal: AbortSignal }): number | Promise<number>;
}
