import { type ChildProcess, fork } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { build } from 'tsup';

const packageDir = fileURLToPath(new URL('../..', import.meta.url));

/**
 * Builds the package as ESM into its node_modules cache (so the build's bare imports resolve from the package)
 * and returns the entry's URL: workers run the code under test, never a stale dist.
 */
export async function buildWorkerEntry(name: string): Promise<string> {
  const outDir = fileURLToPath(new URL(`../../node_modules/.cache/${name}/`, import.meta.url));
  await build({
    entry: { index: 'src/index.ts' },
    format: ['esm'],
    outDir,
    dts: false,
    sourcemap: false,
    clean: true,
    silent: true,
    config: false,
    target: 'node20',
  });
  return pathToFileURL(`${outDir}index.js`).href;
}

/** Starts `count` worker processes of `workerFile` (in `__fixtures__`) with `config` as their argument. */
export function forkWorkers(
  workerFile: string,
  count: number,
  config: unknown,
  entryUrl: string,
): ChildProcess[] {
  const workerPath = fileURLToPath(new URL(`./${workerFile}`, import.meta.url));
  return Array.from({ length: count }, () =>
    fork(workerPath, [JSON.stringify(config)], {
      cwd: packageDir,
      env: { ...process.env, RATE_LIMIT_ENTRY: entryUrl },
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    }),
  );
}

/** The child's next IPC message; rejects if it exits first. */
export function nextMessage<T>(child: ChildProcess): Promise<T> {
  return new Promise((resolve, reject) => {
    const onMessage = (message: unknown) => {
      child.off('exit', onExit);
      resolve(message as T);
    };
    const onExit = (code: number | null) => {
      child.off('message', onMessage);
      reject(new Error(`worker exited with code ${code} before answering`));
    };
    child.once('message', onMessage);
    child.once('exit', onExit);
  });
}

/** Sends each worker its own message and waits for every answer. */
export function roundTrip<T>(children: ChildProcess[], messageFor: (index: number) => unknown): Promise<T[]> {
  const answers = Promise.all(children.map((child) => nextMessage<T>(child)));
  for (const [index, child] of children.entries()) child.send(messageFor(index) as never);
  return answers;
}

/** Asks every worker to stop and waits until each has exited. */
export async function stopWorkers(children: ChildProcess[]): Promise<void> {
  for (const child of children) {
    if (child.connected) child.send({ type: 'stop' });
  }
  await Promise.all(
    children.map((child) => (child.exitCode === null ? once(child, 'exit') : Promise.resolve())),
  );
}
