// A CommonJS single-hook module naming its point in an exported `hookPoint`.
exports.hookPoint = 'custom:billing';
exports.priority = 7;
exports.createHook = () => ({ id: 'fixture-cjs-hook', execute: () => ({ type: 'continue' }) });
