/**
 * `data.chunk` at `AgentStreamChunk` (DESIGN §9): the text not yet released to the reader, as the stream phase
 * hands it to the hooks. The stream phase's chunk is frozen: a hook changes the text by answering
 * `modified({ chunk: { text } })`, which gives the hooks after it a new chunk object that is not frozen.
 */
export interface AgentStreamChunkData {
  /** The pending text: not yet released. */
  text: string;
  /** The last judgment of the stream: everything in `text` is released after it. */
  final: boolean;
  /**
   * How many characters at the end of `text` arrived since the hooks' previous judgment. The characters before
   * them are the pending text the hooks answered with then, less what has been released since (`data.output`
   * grew by that much). Equals `text.length` at the first judgment and after a hook's answer replaced the
   * pending text, so a hook that keeps positions between judgments can tell, without comparing text, that
   * nothing it saw was rewritten. Describes the stream phase's own (frozen) chunk only: after a hook earlier in
   * the order answered `modified` in the same judgment, the merged chunk still carries the old figure, so trust
   * it only when `Object.isFrozen(chunk)` (a same-length rewrite would otherwise go unnoticed).
   */
  appended: number;
}
