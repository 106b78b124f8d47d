/**
 * Where the scan of one streamed response has got to. The hook asks the stream for `holdBackChars` (N) of
 * hold-back and scans in windows: a match of up to `overlapChars` (M) characters is always seen whole, and a
 * character is released only after every match that could contain it was seen. A window is scanned once more
 * than N characters past the start of the matches not yet seen are pending (or the stream ends), from that
 * start; the next window starts M characters before the end of this one. So each character is scanned about
 * N / (N − M) times, whatever the size of the deltas.
 *
 * Why it holds: after a scan ending at E, every match starting before E − M was seen (`scannedTo`). Between
 * scans at most N characters past `scannedTo` are pending, and the stream releases only characters more than N
 * before the end, so each released character lies before `scannedTo`: any match holding it starts before
 * `scannedTo`.
 */
export interface StreamScanPlan {
  /** The text to scan now: from `scannedTo` to the end of the pending text; `undefined` when nothing is due. */
  readonly window: string | undefined;
  /** Where `window` starts inside the pending text. */
  readonly offsetInPending: number;
}

const NOTHING_DUE: StreamScanPlan = Object.freeze({ window: undefined, offsetInPending: 0 });

/** The window of a streamed response due for scanning, given what was released, what is pending and the state. */
export function planStreamScan(options: {
  released: number;
  pending: string;
  final: boolean;
  scannedTo: number;
  holdBackChars: number;
}): StreamScanPlan {
  const { released, pending, final, scannedTo, holdBackChars } = options;
  const end = released + pending.length;
  if (!final && end - scannedTo <= holdBackChars) return NOTHING_DUE;
  // scannedTo never falls inside released text (released characters lie before scannedTo); clamp anyway.
  const offsetInPending = Math.min(pending.length, Math.max(0, scannedTo - released));
  return { window: pending.slice(offsetInPending), offsetInPending };
}

/**
 * Where the next window of a stream starts, remembered between judgments: `scannedTo` (a position in the whole
 * response), the pending text as this hook last scanned it (`seen`, masks applied, starting at `seenFrom` in the
 * whole response), and where the pending text ended when this hook last answered (`end`).
 */
export interface StreamScanState {
  scannedTo: number;
  seen: string;
  seenFrom: number;
  end: number;
  /**
   * Where a lenient mask ended at the very end of the scanned text (a response position): the match may go on
   * in the next delta (a key still arriving), and what continues it there is cut before the next window is
   * judged, since without its prefix no detector would know it (see `cutContinuation`).
   */
  continueAt?: number;
}

/** Characters a secret's body is made of (base64, base64url, hex, JWT dots): what may continue a masked match. */
function continuesMatch(code: number): boolean {
  return (
    (code >= 48 && code <= 57) || // 0-9
    (code >= 65 && code <= 90) || // A-Z
    (code >= 97 && code <= 122) || // a-z
    code === 43 || // +
    code === 45 || // -
    code === 46 || // .
    code === 47 || // /
    code === 61 || // =
    code === 95 // _
  );
}

/** A window to judge: the planned one, or it with what continued an earlier mask cut out (`cut`). */
export interface StreamWindow {
  readonly window: string;
  readonly cut: boolean;
  /** What continues the mask runs to the end of the window: the secret may go on in the next delta. */
  readonly continuing: boolean;
}

/**
 * The window with what continues a masked match cut out: the characters from `from` (an index in `window`)
 * that could belong to the same secret. `continuing` when they run to the end of the window (the secret may
 * go on still).
 */
export function cutContinuation(window: string, from: number): StreamWindow {
  if (from < 0 || from > window.length) return { window, cut: false, continuing: false };
  let to = from;
  while (to < window.length && continuesMatch(window.charCodeAt(to))) to++;
  if (to === from) return { window, cut: false, continuing: to === window.length };
  return { window: window.slice(0, from) + window.slice(to), cut: true, continuing: to === window.length };
}

/**
 * Whether the pending text still starts with what this hook scanned of it: every character of `seen` not yet
 * released, unchanged. A slice and one string comparison, several times faster on Node 20 than `startsWith`.
 */
function stillPending(state: StreamScanState, released: number, pending: string): boolean {
  const from = released - state.seenFrom;
  if (from < 0 || from > state.seen.length) return false;
  const length = state.seen.length - from;
  return length === 0 || (length <= pending.length && pending.slice(0, length) === state.seen.slice(from));
}

/**
 * `scannedTo` for this judgment (`state` is updated in place). When the stream phase's own (frozen) chunk says
 * that only `appended`
 * characters were added at the end since the hook last answered (`data.chunk.appended`, see `@llmspell/core`'s
 * `AgentStreamChunkData`) and the pending text ends where that puts it, the text is as the hook left it: two
 * integer comparisons per delta. Otherwise the pending text is compared with what the hook scanned of it;
 * when it is no longer that (another hook at the point rewrote it, anywhere), the window starts at the first
 * pending character instead: positions past a rewrite mean nothing, and skipping text would release it unscanned.
 */
export function resumeStreamScan(
  state: StreamScanState | undefined,
  released: number,
  pending: string,
  appended: unknown,
): number {
  if (state === undefined) return 0;
  const end = released + pending.length;
  const previousEnd = state.end;
  state.end = end;
  // `appended` equal to the whole pending text means it was replaced (or all of it is new): compare below.
  if (typeof appended === 'number' && appended < pending.length && end === previousEnd + appended)
    return state.scannedTo;
  if (state.scannedTo < released || !stillPending(state, released, pending)) {
    // Rewritten (before `scannedTo` too): nothing pending was scanned as it now reads. Remembered, so the next
    // delta takes the fast path.
    state.scannedTo = released;
    state.seen = pending;
    state.seenFrom = released;
    return released;
  }
  return state.scannedTo;
}

/**
 * The state after a scan, from the pending text the hook answered with (`judged`: masked in lenient mode, so
 * positions follow the text the reader gets). The next window starts `overlapChars` characters before the end
 * as the detectors read them (percent- and entity-decoded, invisible characters removed, see `normalizeText`):
 * a secret padded with zero-width characters or written as entities is seen whole too, up to `maxOverlapChars`
 * characters of raw text.
 */
export function endStreamScan(options: {
  released: number;
  judged: string;
  final: boolean;
  overlapChars: number;
  maxOverlapChars: number;
  /** Where each decoded character of `text` starts in it; `undefined` when the text decodes to itself. */
  decodedStarts: (text: string) => ArrayLike<number> | undefined;
}): StreamScanState {
  const { released, judged, final, overlapChars, maxOverlapChars } = options;
  const end = released + judged.length;
  if (final) return { scannedTo: end, seen: '', seenFrom: end, end };
  const tail = judged.slice(Math.max(0, judged.length - maxOverlapChars));
  let overlap = Math.min(overlapChars, tail.length);
  if (tail.length > overlapChars) {
    // The raw position of the `overlapChars`-th decoded character from the end.
    const starts = options.decodedStarts(tail);
    if (starts !== undefined) {
      overlap =
        starts.length > overlapChars ? tail.length - starts[starts.length - overlapChars]! : tail.length;
      overlap = Math.max(overlap, overlapChars);
    }
  }
  return { scannedTo: end - overlap, seen: judged, seenFrom: released, end };
}
