/**
 * `data.chunk` at `AgentStreamChunk` (DESIGN §9): the text not yet released to the reader, as the stream phase
 * hands it to the hooks (a hook earlier in the order may have patched it since).
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
   * nothing it saw was rewritten. Describes the text as the stream phase handed it to the hooks: after a hook
   * earlier in the order patched `chunk.text` in the same judgment, the merged chunk still carries it, so check
   * the length too (`data.output.text.length + text.length` grows by exactly `appended`).
   */
  appended: number;
}
