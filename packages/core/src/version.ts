import { version } from '../package.json';

/** The version of `@llmspell/core` in use; plugins declare the range they were built for against it. */
export const coreVersion: string = version;
