// What the hostile worker sends: inputs that are not objects, budget estimates no parser should spend seconds on,
// ids with the separators of Redis keys and cache scopes, 100 KB ids, one sub-object reused at every level, and
// prototype keys. Each lane has its own ids, so one user's calls never overlap (the budget bound is per call).

/** A sub-object reused at every level: 2^depth paths through depth + 1 objects (the canonicalJson case). */
export function sharedReference(depth) {
  let shared = { leaf: 'x' };
  for (let level = 0; level < depth; level += 1) shared = { left: shared, right: shared };
  return shared;
}

/** `metadata.maxCostUsd` values a caller may send: huge or tiny exponents, signs, NaN, 30-digit decimals, non-strings. */
export const hostileMaxCosts = [
  '1e99999999999',
  '1e100000000',
  '1e30',
  '-1',
  'NaN',
  'Infinity',
  '0x10',
  ' 1 ',
  '123456789012345678901234567890',
  '0.123456789012345678901234567890',
  `0.${'0'.repeat(29)}1`,
  `1${'0'.repeat(29)}.5`,
  1e308,
  -0,
  Number.NaN,
  { valueOf: () => 1 },
  ['1'],
];

/** Inputs that are not `{ text }`. */
export const nonObjectInputs = [
  null,
  undefined,
  42,
  'a plain string',
  true,
  [],
  ['text'],
  {},
  { text: 42 },
  { text: null },
  { text: ['hello'] },
];

/** User and tenant ids made of the separators of rate-limit keys, cost keys, cache scopes and Cluster hash tags. */
export function separatorIds(lane) {
  return [
    `mallory:${lane}`,
    `chaos-agent:ann:${lane}`,
    `ann|${lane}`,
    `{ann}${lane}`,
    `}{${lane}`,
    `\\:${lane}`,
    `ann:bob|{cem}${lane}`,
    `${lane}:`,
  ];
}

/** The lane's fixed 100 KB user id (a fresh one is made now and then as well). */
export const hugeId = (lane, fresh = '') => `${lane}${fresh}${'u'.repeat(100_000)}`;

/** Prototype keys in the input and in metadata, parsed from JSON as a request body would be. */
export function prototypeInput(text) {
  return JSON.parse(
    `{"text":${JSON.stringify(text)},"__proto__":{"polluted":"input"},"constructor":{"prototype":{"polluted":"constructor"}}}`,
  );
}

/** Metadata with prototype keys as own string members (metadata values must be strings), parsed from JSON. */
export function prototypeMetadata(userId) {
  return JSON.parse(
    `{"userId":${JSON.stringify(userId)},"__proto__":"1e99999999999","constructor":"polluted","toString":"x","hasOwnProperty":"x","valueOf":"x"}`,
  );
}

/** The same with object values: the executor refuses such metadata before any hook runs (HookConfigError). */
export function prototypeObjectMetadata(userId) {
  return JSON.parse(
    `{"userId":${JSON.stringify(userId)},"__proto__":{"polluted":"metadata","maxCostUsd":"1e99999999999"},"constructor":{"prototype":{"polluted":"metadata"}}}`,
  );
}
