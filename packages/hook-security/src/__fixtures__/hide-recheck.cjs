// Preloaded with `node --require` by pattern-safety.test.ts: makes the optional peer `recheck` unresolvable, as
// in an install without it, while everything else resolves as usual.
const Module = require('node:module');

const resolve = Module._resolveFilename;
Module._resolveFilename = function resolveWithoutRecheck(request, ...rest) {
  if (request === 'recheck' || request.startsWith('recheck/')) {
    const error = new Error(`Cannot find module '${request}'`);
    error.code = 'MODULE_NOT_FOUND';
    throw error;
  }
  return resolve.call(this, request, ...rest);
};
