import { defineConfig } from 'tsup';
import { packageBuild } from '../../tsup.base';

// shims: `import.meta.url` (used to load recheck lazily) also works in the CommonJS build.
export default defineConfig({ ...packageBuild, shims: true });
