// Broken: exports something, but neither a plugin nor a factory.
export const helper = 1;
