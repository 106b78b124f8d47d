// Fails when the top-level README's tour no longer shows src/tour.ts verbatim.
import { readFileSync } from 'node:fs';

const tour = readFileSync(new URL('./src/tour.ts', import.meta.url), 'utf8').trim();
const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
const blocks = [...readme.matchAll(/```ts\n([\s\S]*?)```/g)].map((match) => match[1].trim());
if (!blocks.includes(tour)) {
  console.error(
    'README.md does not contain examples/readme-tour/src/tour.ts verbatim; copy it into the tour section.',
  );
  process.exit(1);
}
console.log('README tour matches examples/readme-tour/src/tour.ts');
