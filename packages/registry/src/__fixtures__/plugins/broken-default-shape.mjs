// Broken: the default export is missing hooks().
export default { name: 'half-a-plugin', version: '1.0.0' };
