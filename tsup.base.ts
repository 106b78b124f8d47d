import type { Options } from 'tsup';

/** The build every publishable package shares: ESM + CJS + declarations. */
export const packageBuild: Options = {
  entry: ['src/index.ts'],
  format: ['esm', 'cjs'],
  dts: true,
  sourcemap: true,
  clean: true,
  target: 'node20',
};
