import { LlmspellError } from './llmspell-error.js';

/** `registry.loadPlugin(specifier)` could not import the module or found no usable plugin in it. */
export class PluginLoadError extends LlmspellError {
  static override readonly code: string = 'PluginLoadError';
  /** The module specifier or file that was loaded. */
  readonly specifier: string;

  constructor(specifier: string, problem: string, options?: { cause?: unknown }) {
    super(`Cannot load hook plugin from '${specifier}': ${problem}`, options);
    this.specifier = specifier;
  }
}
