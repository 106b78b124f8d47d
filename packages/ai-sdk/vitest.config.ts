import { defineConfig } from 'vitest/config';

// The tests run against AI SDK 6 (`ai`) everywhere and, where Node is new enough for it (22+), once more
// against AI SDK 7 (the `ai7` alias): `ai` and `ai/test` resolve to it in that project.
const nodeMajor = Number(process.versions.node.split('.')[0]);

export default defineConfig({
  test: {
    projects: [
      { extends: true as const, test: { name: 'ai@6' } },
      ...(nodeMajor >= 22
        ? [
            {
              extends: true as const,
              test: { name: 'ai@7' },
              resolve: { alias: [{ find: /^ai(\/test)?$/, replacement: 'ai7$1' }] },
            },
          ]
        : []),
    ],
  },
});
