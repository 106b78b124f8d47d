/** Named priorities. Lower runs first; any finite integer is allowed; equal priorities keep registration order. */
export const Priority = Object.freeze({
  Highest: -1000,
  High: -100,
  Normal: 0,
  Low: 100,
  Lowest: 1000,
} as const);
