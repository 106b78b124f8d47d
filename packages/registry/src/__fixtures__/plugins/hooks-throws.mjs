// Broken: a well-shaped plugin whose hooks() throws.
export default {
  name: 'fixture-hooks-throws',
  version: '1.0.0',
  hooks() {
    throw new TypeError("Cannot read properties of undefined (reading 'apiKey')");
  },
};
