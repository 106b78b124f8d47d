/**
 * Where the scan of one streamed response has got to. The hook asks the stream for `holdBackChars` (N) of
 * hold-back and scans in windows: a match of up to `overlapChars` (M) characters is always seen whole, and a
 * character is released only after every match that could contain it was seen. A window is scanned once at
 * least N − M new characters are pending (or the stream ends), from the start of the matches not yet seen; the
 * next window starts M characters before the end of this one. So each character is scanned about
 * N / (N − M) times, whatever the size of the deltas.
 *
 * Why it holds: after a scan ending at E, every match starting before E − M was seen (`scannedTo`). Between
 * scans fewer than N − M characters past `scannedTo` are pending, and the stream releases only characters more
 * than N before the end, so each released character lies before `scannedTo − M`: any match holding it starts
 * before `scannedTo`.
 */
export interface StreamScanPlan {
  /** The text to scan now: from `scannedTo` to the end of the pending text; `undefined` when nothing is due. */
  readonly window: string | undefined;
  /** Where `window` starts inside the pending text. */
  readonly offsetInPending: number;
}

/** The window of a streamed response due for scanning, given what was released, what is pending and the state. */
export function planStreamScan(options: {
  released: number;
  pending: string;
  final: boolean;
  scannedTo: number;
  holdBackChars: number;
  overlapChars: number;
}): StreamScanPlan {
  const { released, pending, final, scannedTo, holdBackChars, overlapChars } = options;
  const end = released + pending.length;
  if (!final && end - scannedTo < holdBackChars - overlapChars)
    return { window: undefined, offsetInPending: 0 };
  // scannedTo never falls inside released text (released characters lie before scannedTo − M); clamp anyway.
  const offsetInPending = Math.min(pending.length, Math.max(0, scannedTo - released));
  return { window: pending.slice(offsetInPending), offsetInPending };
}

/**
 * Where the next window of a stream starts, remembered between judgments: `scannedTo` (a position in the whole
 * response) and the text from there to the end of the pending text as this hook left it (`tail`, masks applied).
 */
export interface StreamScanState {
  readonly scannedTo: number;
  readonly tail: string;
}

/**
 * `text.startsWith(part, offset)`, several times faster on Node 20 for the pending text of a stream, which is
 * judged once per delta: a slice and one string comparison instead of a character-by-character walk.
 */
function holdsAt(text: string, part: string, offset: number): boolean {
  if (part.length === 0) return true;
  const end = offset + part.length;
  return end <= text.length && text.slice(offset, end) === part;
}

/**
 * `scannedTo` for this judgment. When the text from `scannedTo` on is no longer what the hook left (a later
 * hook at the point rewrote it), the window starts at the first pending character instead: positions past a
 * rewrite mean nothing, and skipping text would release it unscanned.
 */
export function resumeStreamScan(
  state: StreamScanState | undefined,
  released: number,
  pending: string,
): number {
  if (state === undefined) return 0;
  const offset = state.scannedTo - released;
  if (offset < 0 || !holdsAt(pending, state.tail, offset)) return released;
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
  if (final) return { scannedTo: end, tail: '' };
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
  return { scannedTo: end - overlap, tail: judged.slice(judged.length - overlap) };
}
