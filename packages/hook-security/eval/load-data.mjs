import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';

/** The records of `eval/data/<name>.jsonl.gz`: `{ text, source }` objects. */
export function loadCategory(name) {
  const file = new URL(`./data/${name}.jsonl.gz`, import.meta.url);
  return gunzipSync(readFileSync(file))
    .toString('utf8')
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => JSON.parse(line));
}
