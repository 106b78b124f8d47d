// 7. Price catalog: what building on @pydantic/genai-prices costs (load time, heap, size on disk, price lookup)
// and how exact CostTrackingHook's prices are against the catalog's own figures: every model of the main
// providers × five kinds of call × several dates, and, when given, the catalog's own test data set of real
// responses with prices worked out in decimal (GENAI_PRICES_DATASET; see data/genai-prices-dataset.json).
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { componentId, HookContext, HookPoint } from '@llmspell/core';
import { CostTrackingHook } from '@llmspell/hook-cost';
import { calcPrice, findProvider } from '@pydantic/genai-prices';
import { cycle } from '../fixtures.mjs';
import { formatRatio, formatTime, interleave, median, pairedRatio } from '../harness.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const benchmarksRoot = join(here, '../..');
const quiet = { debug() {}, info() {}, warn() {}, error() {} };

/** Providers whose every model the exactness sweep prices. */
const PROVIDERS = [
  'openai',
  'anthropic',
  'google',
  'deepseek',
  'mistral',
  'x-ai',
  'groq',
  'aws',
  'azure',
  'perplexity',
];

/** Dates the sweep prices at: before and after price changes, peak and off-peak hours. */
const DATES = [
  '2024-06-01T12:00:00Z',
  '2025-06-09T12:00:00Z',
  '2025-11-06T12:00:00Z',
  '2026-09-01T03:00:00Z',
  '2026-09-01T12:00:00Z',
];

/** The kinds of call the sweep prices: the catalog's usage keys and the hook's `data.tokensUsed`. */
const SHAPES = [
  { kind: 'plain', usage: { input_tokens: 1_234, output_tokens: 567 } },
  { kind: 'cached read', usage: { input_tokens: 10_000, cache_read_tokens: 8_000, output_tokens: 300 } },
  {
    kind: 'cache write',
    usage: {
      input_tokens: 5_000,
      cache_write_tokens: 4_000,
      cache_write_1h_tokens: 1_000,
      output_tokens: 200,
    },
  },
  { kind: 'reasoning', usage: { input_tokens: 1_500, output_tokens: 6_000, output_reasoning_tokens: 5_000 } },
  { kind: 'long context', usage: { input_tokens: 250_000, cache_read_tokens: 10_000, output_tokens: 2_000 } },
];

function tokensUsedOf(usage) {
  return {
    input: usage.input_tokens ?? 0,
    output: usage.output_tokens ?? 0,
    cachedInput: usage.cache_read_tokens,
    cacheWrite: usage.cache_write_tokens,
    cacheWrite1h: usage.cache_write_1h_tokens,
    reasoning: usage.output_reasoning_tokens,
  };
}

/** A decimal string (`0.0090519`, `7E-7`) in pico-dollars, rounded half up. */
function decimalToPico(text) {
  const match = /^(\d*)(?:\.(\d*))?(?:[eE]([+-]?\d+))?$/.exec(text);
  if (!match) throw new Error(`not a decimal: ${text}`);
  const digits = BigInt((match[1] || '0') + (match[2] ?? ''));
  const exponent = Number(match[3] ?? 0) - (match[2] ?? '').length + 12;
  if (exponent >= 0) return digits * 10n ** BigInt(exponent);
  const divisor = 10n ** BigInt(-exponent);
  return digits / divisor + ((digits % divisor) * 2n >= divisor ? 1n : 0n);
}

/** How far a float USD price is from an exact pico-dollar one, in pico-dollars. */
function floatGapPico(floatUsd, exactPico) {
  return Math.abs(floatUsd * 1e12 - Number(exactPico));
}

/** Median ms and settled heap of importing `specifier` in fresh processes (`--expose-gc`). */
function loadCost(specifier, runs) {
  // `ioredis`: whether the import loaded the ioredis package (CommonJS, so it shows in the require cache).
  const script = `import{createRequire}from'node:module';const t=performance.now();await import(${JSON.stringify(specifier)});const ms=performance.now()-t;const ioredis=Object.keys(createRequire(process.cwd()+'/').cache).some(p=>p.includes('/ioredis/'));for(let i=0;i<4;i++){gc();await new Promise(r=>setImmediate(r));}const m=process.memoryUsage();console.log(JSON.stringify({ms,heap:m.heapUsed+m.external,ioredis}));`;
  const samples = [];
  for (let run = 0; run < runs; run++) {
    const output = execFileSync(process.execPath, ['--expose-gc', '--input-type=module', '-e', script], {
      cwd: benchmarksRoot,
      encoding: 'utf8',
    });
    samples.push(JSON.parse(output));
  }
  return {
    ms: median(samples.map((sample) => sample.ms)),
    heap: median(samples.map((sample) => sample.heap)),
    ioredis: samples.some((sample) => sample.ioredis),
  };
}

function directoryBytes(directory) {
  let total = 0;
  for (const entry of readdirSync(directory, { withFileTypes: true })) {
    const path = join(directory, entry.name);
    total += entry.isDirectory() ? directoryBytes(path) : statSync(path).size;
  }
  return total;
}

function kib(bytes) {
  return `${(bytes / 1024).toFixed(0)} KiB`;
}

/** Every model of PROVIDERS × SHAPES × DATES: the hook's exact price against the catalog's float one. */
function sweep(hook) {
  const result = {
    priced: 0,
    agree: 0,
    worstGapPico: 0,
    unpriced: 0,
    skipped: 0,
    pinned: 0,
    disagreements: [],
  };
  let models = 0;
  for (const providerId of PROVIDERS) {
    const provider = findProvider({ providerId });
    if (!provider) continue;
    for (const model of provider.models) {
      models++;
      for (const date of DATES) {
        const at = new Date(date);
        for (const { kind, usage } of SHAPES) {
          let reference;
          try {
            reference = calcPrice(usage, model.id, { providerId, timestamp: at });
          } catch {
            result.skipped++; // the catalog itself refuses this usage for this model (e.g. a missing ancestor price)
            continue;
          }
          if (!reference || reference.model !== model) {
            result.skipped++; // the id resolves to another model of the provider
            continue;
          }
          const ours = hook.price({
            model: model.id,
            provider: providerId,
            tokensUsed: tokensUsedOf(usage),
            at,
          });
          if (!ours) {
            result.unpriced++;
            continue;
          }
          if (ours.source !== 'catalog') {
            result.pinned++; // defaultPriceTable wins over the catalog for this name, by design
            continue;
          }
          result.priced++;
          const gap = floatGapPico(reference.total_price, ours.costPicoUsd);
          // A double carries 15–17 significant digits: below 1e-9 of the price, the gap is the float's rounding.
          if (gap <= Math.max(1, reference.total_price * 1e12 * 1e-9)) result.agree++;
          else if (result.disagreements.length < 5) {
            result.disagreements.push(
              `${providerId} ${model.id} ${kind} ${date}: ${ours.costPicoUsd} vs ${reference.total_price}`,
            );
          }
          result.worstGapPico = Math.max(result.worstGapPico, gap);
        }
      }
    }
  }
  return { ...result, models };
}

/** The catalog's own data set: real responses whose prices its maintainers worked out in decimal. */
function dataset(hook, path) {
  const rows = JSON.parse(readFileSync(path, 'utf8'));
  const at = new Date('2025-11-06T12:00:00Z'); // the instant the data set's prices were computed for
  const ours = [
    'input_tokens',
    'cache_read_tokens',
    'cache_write_tokens',
    'cache_write_1h_tokens',
    'output_tokens',
    'output_reasoning_tokens',
  ];
  const result = {
    cases: 0,
    outside: 0,
    exactHook: 0,
    exactFloat: 0,
    floatAgreesWithHook: 0,
    unpriced: 0,
    differ: [],
  };
  for (const row of rows) {
    if (!row.model) continue;
    for (const extracted of row.extracted) {
      for (const extractor of extracted.extractors) {
        if (extractor.input_price === undefined) continue;
        const provider = findProvider({ providerId: extractor.provider_id });
        const full = calcPrice(extracted.usage, row.model, { provider, timestamp: at });
        if (!full) continue;
        const tokenOnly = Object.fromEntries(
          Object.entries(extracted.usage).filter(([key]) => ours.includes(key)),
        );
        let restricted;
        try {
          restricted = calcPrice(tokenOnly, row.model, { provider, timestamp: at });
        } catch {
          restricted = null;
        }
        if (!restricted || restricted.total_price !== full.total_price) {
          result.outside++; // priced by audio, image or search units the hook does not charge
          continue;
        }
        result.cases++;
        const expected =
          extractor.total_price === undefined
            ? decimalToPico(extractor.input_price) + decimalToPico(extractor.output_price)
            : decimalToPico(extractor.total_price);
        if (floatGapPico(full.total_price, expected) < 0.5) result.exactFloat++;
        const priced = hook.price({
          model: row.model,
          provider: extractor.provider_id,
          tokensUsed: tokensUsedOf(extracted.usage),
          at,
        });
        if (!priced) {
          result.unpriced++;
          result.differ.push(
            `${extractor.provider_id} ${row.model}: unpriced (the catalog lists no token price)`,
          );
          continue;
        }
        if (priced.costPicoUsd === expected) result.exactHook++;
        else
          result.differ.push(
            `${extractor.provider_id} ${row.model}: ${priced.costPicoUsd} pico vs ${expected} expected, catalog 0.1.8 float ${full.total_price}`,
          );
        if (floatGapPico(full.total_price, priced.costPicoUsd) < 0.5) result.floatAgreesWithHook++;
      }
    }
  }
  return result;
}

export const priceCatalog = {
  id: 'price-catalog',
  title: '7. Price catalog',
  async run({ profile }) {
    const runs = profile.quick ? 3 : 9;
    const baseline = loadCost('node:crypto', runs);
    const catalogLoad = loadCost('@pydantic/genai-prices', runs);
    const hookLoad = loadCost('@llmspell/hook-cost', runs);
    const redisClientLoad = loadCost('ioredis', runs);
    const require = createRequire(join(benchmarksRoot, 'package.json'));
    const packageDirectory = join(dirname(require.resolve('@pydantic/genai-prices')), '..');
    const distBytes = (name) => statSync(join(packageDirectory, 'dist', name)).size;

    const hook = new CostTrackingHook({
      logger: quiet,
      modelRates: { 'table-model': { inputPer1k: '0.0025', outputPer1k: '0.01' } },
    });
    const models = ['gpt-4o', 'claude-sonnet-4-5-20250929', 'gemini-2.5-pro', 'o3', 'gpt-4o-mini'];
    const usage = { input_tokens: 1_234, cache_read_tokens: 1_000, output_tokens: 567 };
    const tokensUsed = tokensUsedOf(usage);
    const nextModel = cycle(models);
    const component = componentId('price-bench', 'agent');
    const afterContext = (model) =>
      new HookContext({
        hookPoint: HookPoint.AfterAgentExecution,
        componentId: component,
        data: { model, tokensUsed },
      });
    const catalogContexts = cycle(models.map(afterContext));
    const tableContexts = cycle([afterContext('table-model')]);
    const lookups = await interleave(
      [
        {
          label: 'catalog calcPrice() (float, matches the name every call)',
          fn: () => calcPrice(usage, nextModel()),
        },
        {
          label: 'hook.price() on catalog models (exact, name resolved once)',
          fn: () => hook.price({ model: nextModel(), tokensUsed }),
        },
        {
          label: 'hook.execute() at After, catalog models, memory store',
          fn: () => hook.execute(catalogContexts()),
        },
        {
          label: 'hook.execute() at After, a modelRates model, memory store',
          fn: () => hook.execute(tableContexts()),
        },
      ],
      profile,
      { batch: true },
    );
    const [catalogCall, hookPrice, chargeCatalog, chargeTable] = lookups;

    const swept = sweep(hook);
    const datasetPath = process.env.GENAI_PRICES_DATASET;
    const checked = datasetPath && existsSync(datasetPath) ? dataset(hook, datasetPath) : undefined;
    await hook.close();

    const rows = [
      [
        'import @pydantic/genai-prices (fresh process, median)',
        `${(catalogLoad.ms - baseline.ms).toFixed(1)} ms`,
        `heap +${kib(catalogLoad.heap - baseline.heap)}`,
      ],
      [
        `import @llmspell/hook-cost (the catalog, ajv${hookLoad.ioredis ? ', ioredis' : '; ioredis only on first Redis use'})`,
        `${(hookLoad.ms - baseline.ms).toFixed(1)} ms`,
        `heap +${kib(hookLoad.heap - baseline.heap)}`,
      ],
      [
        `import ioredis (for scale: ${hookLoad.ioredis ? 'hook-cost already loads it' : 'what a first Redis connection adds'})`,
        `${(redisClientLoad.ms - baseline.ms).toFixed(1)} ms`,
        `heap +${kib(redisClientLoad.heap - baseline.heap)}`,
      ],
      [
        'size on disk (ESM dist / CJS dist / whole package)',
        `${kib(distBytes('index.js'))} / ${kib(distBytes('index.cjs'))}`,
        `${kib(directoryBytes(packageDirectory))} (no dependencies)`,
      ],
      [catalogCall.label, formatTime(catalogCall.ns), '1.00×'],
      [hookPrice.label, formatTime(hookPrice.ns), formatRatio(pairedRatio(hookPrice, catalogCall))],
      [
        chargeCatalog.label,
        formatTime(chargeCatalog.ns),
        formatRatio(pairedRatio(chargeCatalog, chargeTable)),
      ],
      [chargeTable.label, formatTime(chargeTable.ns), '1.00× (of the row above)'],
    ];
    const exactness = [
      [
        `sweep: ${swept.models} catalog models × ${SHAPES.length} kinds of call × ${DATES.length} dates`,
        `${swept.agree} / ${swept.priced} priced calls agree with calcPrice within the float's rounding`,
        `worst gap ${swept.worstGapPico.toFixed(2)} pico-$; left out: ${swept.unpriced} unpriced (no token price), ${swept.pinned} pinned by defaultPriceTable, ${swept.skipped} the catalog refuses or resolves to another model`,
      ],
    ];
    if (checked) {
      exactness.push(
        [
          `the catalog's own data set (${checked.cases} token-priced cases of real responses, decimal prices)`,
          `hook exact to the pico-dollar: ${checked.exactHook} / ${checked.cases}`,
          `catalog float within 0.5 pico-$: ${checked.exactFloat} / ${checked.cases}; float agrees with the hook: ${checked.floatAgreesWithHook}; ${checked.outside} cases priced by non-token units left out`,
        ],
        ...checked.differ.map((line) => ['  differs', line, '']),
      );
    } else {
      exactness.push([
        'the catalog\u2019s own data set',
        'not measured: set GENAI_PRICES_DATASET (see data/genai-prices-dataset.json)',
        '',
      ]);
    }
    for (const line of swept.disagreements) exactness.push(['  sweep disagreement', line, '']);
    return {
      intro:
        'Loading and querying `@pydantic/genai-prices` 0.1.8, the catalog the cost hook prices from. Load times ' +
        'and heap are medians over fresh processes, minus a process that imports `node:crypto`. Per-call rows cycle ' +
        'through five models (gpt-4o, claude-sonnet-4-5, gemini-2.5-pro, o3, gpt-4o-mini) with 1,234 input tokens ' +
        '(1,000 cached) and 567 output.',
      columns: ['measurement', 'figure', 'note / ratio'],
      rows,
      extraTables: [
        {
          caption:
            'Exactness against the catalog (the hook computes in integer pico-dollars, the catalog in doubles):',
          columns: ['check', 'result', 'detail'],
          rows: exactness,
        },
      ],
      goals: [],
    };
  },
};
