const marker = Symbol.for('@llmspell/core/error');

type ErrorClass = { readonly code: string };

/**
 * Base class of every error the llmspell packages throw. `isInstance` works across duplicate copies of
 * the package (it checks a `Symbol.for` marker, not the prototype chain).
 */
export class LlmspellError extends Error {
  /** The error's class name; stable across bundlers and package copies. */
  static readonly code: string = 'LlmspellError';

  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    const codes: string[] = [];
    for (let klass = new.target as unknown; klass && klass !== Error; klass = Object.getPrototypeOf(klass)) {
      const { code } = klass as ErrorClass;
      if (typeof code === 'string' && !codes.includes(code)) codes.push(code);
    }
    Object.defineProperty(this, marker, { value: Object.freeze(codes), enumerable: false });
    this.name = (new.target as unknown as ErrorClass).code;
  }

  /** True when `error` is an instance of this class (or a subclass), from any copy of the package. */
  static isInstance<T extends LlmspellError>(
    this: (abstract new (...args: never[]) => T) & ErrorClass,
    error: unknown,
  ): error is T {
    if (error === null || typeof error !== 'object') return false;
    const codes = (error as { [marker]?: unknown })[marker];
    return Array.isArray(codes) && codes.includes(this.code);
  }
}
