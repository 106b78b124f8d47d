import { defineConfig } from 'tsup';
import { packageBuild } from '../../tsup.base';

// Shims give the CommonJS build an `import.meta.url`, from which ioredis is required on first use.
export default defineConfig({ ...packageBuild, shims: true });
