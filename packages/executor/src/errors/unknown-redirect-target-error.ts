import { type ComponentId, LlmspellError } from '@llmspell/core';

/** A hook answered `redirect` to a target the agent or tool has no entry for in its `redirects` option. */
export class UnknownRedirectTargetError extends LlmspellError {
  static override readonly code: string = 'UnknownRedirectTargetError';
  /** The target the hook named. */
  readonly target: string;
  /** The component whose hook redirected. */
  readonly componentId: ComponentId;

  constructor(options: {
    target: string;
    componentId: ComponentId;
    known: readonly string[];
    hookId?: string;
  }) {
    const by = options.hookId ? ` by hook '${options.hookId}'` : '';
    const known = options.known.length > 0 ? options.known.map((name) => `'${name}'`).join(', ') : 'none';
    super(
      `${options.componentId.name} was redirected${by} to '${options.target}', which is not in its redirects ` +
        `option (known targets: ${known}); add it to redirects or change the hook`,
    );
    this.target = options.target;
    this.componentId = options.componentId;
  }
}
