/**
 * A Redis Cluster hash tag for `value`: `{value}` with `%`, `{` and `}` percent-encoded, so the whole value
 * (and only it) decides the slot and no value can end the tag early or collide with another.
 */
export function hashTag(value: string): string {
  return `{${/[%{}]/.test(value) ? value.replace(/[%{}]/g, encode) : value}}`;
}

function encode(character: string): string {
  return character === '%' ? '%25' : character === '{' ? '%7B' : '%7D';
}
