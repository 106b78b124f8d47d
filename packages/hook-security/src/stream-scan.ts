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
