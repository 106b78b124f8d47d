// 4. Security scan: throughput on 1 KB and 100 KB benign inputs, and adversarial 100 KB inputs (built to make
// the decoder, the comment stripper, NFKC, the SQL lexer and every pattern work hardest) as a ratio to benign
// 100 KB; the total scan time of a guarded 100 KB stream against one scan of the same text; with --baseline, a
// benign scan with every detector beside the baseline checkout's hook.
import { componentId, HookContext, HookPoint, HookResult } from '@llmspell/core';
import { SecurityConfig, SecurityValidationHook } from '@llmspell/hook-security';
import { formatRatio, formatTime, interleave, median, pairedRatio } from '../harness.mjs';

const GOAL_RATIO = 3;
const GOAL_STREAM_RATIO = 3;
const GOAL_BASELINE_RATIO = 2;
const STREAM_DELTAS = [1, 4, 16];
const LARGE = 100 * 1024;
const SMALL = 1024;

const PROSE = [
  'Our quarterly planning meeting covered the roadmap for the next two releases and the hiring plan.',
  'Please select the best option for the customer and update me on the union meeting before Friday.',
  'The support team answered 1,284 tickets last month, with a median first response of 42 minutes.',
  'Could you summarise the attached report in five bullet points and suggest a title for the post?',
  'We drop the legacy endpoint in June; clients should move to version 2 of the API before then.',
  'Translate the following paragraph into French, keeping the product names in English as they are.',
  'Where the order total is above 100 euros, shipping is free; otherwise it costs 4.90 per parcel.',
  'The committee agreed that the draft needs another review from legal and from the security team.',
].join('\n');

function fill(unit, length) {
  return unit.repeat(Math.ceil(length / unit.length)).slice(0, length);
}

/** Adversarial inputs: each stresses one part of the scanner and mostly fails to match, so nothing stops early. */
const adversarial = {
  'quote + operator, never completed': `' or ") and '`,
  'stacked percent-encoding': '%2527%2520%2575%256e%2569%256f%256e ',
  'unterminated comments and dashes': '/* -- # /*! 5 */ -',
  'fullwidth and invisible characters': 'ＵＮＩＯＮ\u200bＳＥＬＥＣＴ ｏｒ ',
  'override verbs without an object': 'ignore the the the the reveal your your your ',
  'digit runs (card-number candidates)': '4111 1111 1111 1112 5500-0000-0000-0005 ',
  'e-mail fragments without a domain': 'first.last+tag@ a@b @example. ',
  'long whitespace runs between keywords': `or${' '.repeat(40)}1${' '.repeat(40)}=`,
  'quotes only': "'",
  'open parentheses': '((',
  'one long word': 'a',
  'repeated select': 'select ',
};

/**
 * Replays what the AgentStreamChunk phase does (pending text built delta by delta, a frozen
 * `data.chunk = { text, final, appended }`, release all but the declared hold-back, as `@llmspell/executor`'s
 * stream guard does) around
 * `execute` of `hook`, `text` arriving in deltas of `deltaSize` characters; returns a function that streams it
 * once. With a no-op hook of the same hold-back the replay's own work is measured, to be subtracted.
 */
function streamReplay(hook, holdBack, text, deltaSize) {
  const component = componentId('security-bench-writer', 'agent');
  return () => {
    const context = new HookContext({ hookPoint: 'AgentStreamChunk', componentId: component, data: {} });
    let released = '';
    let pending = '';
    let appended = 0;
    const judge = (final) => {
      context.data.chunk = Object.freeze({ text: pending, final, appended });
      appended = 0;
      context.data.output = { text: released };
      if (hook.execute(context).type !== 'continue') throw new Error('the benign stream was stopped');
      // As the executor's stream guard releases: never between the halves of a surrogate pair (that read
      // flattens the pending text, as a hook's own read would: whoever reads first pays for it).
      let count = final ? pending.length : pending.length - holdBack;
      if (count <= 0) return;
      const code = pending.charCodeAt(count - 1);
      if (count < pending.length && code >= 0xd800 && code <= 0xdbff) count--;
      released += pending.slice(0, count);
      pending = pending.slice(count);
    };
    for (let index = 0; index < text.length; index += deltaSize) {
      const delta = text.slice(index, index + deltaSize);
      pending += delta;
      appended += delta.length;
      judge(false);
    }
    judge(true);
    if (released.length !== text.length) throw new Error('the replay lost text');
  };
}

/**
 * The hook's calls of the same stream alone: the chunks and released texts the replay would hand it, prepared
 * beforehand (slices of the flat text), so nothing but the calls is timed and no replay needs subtracting. A
 * second view of the per-delta cost, steadier on a loaded machine than the difference of two replays.
 */
function callsAlone(hook, holdBack, text, deltaSize) {
  const component = componentId('security-bench-writer', 'agent');
  const calls = [];
  let start = 0;
  for (let end = Math.min(deltaSize, text.length); ; end = Math.min(end + deltaSize, text.length)) {
    // `appended`: the characters past the end the previous call saw (the last delta).
    const appended = end - (calls.length === 0 ? 0 : calls[calls.length - 1].end);
    calls.push({ released: text.slice(0, start), pending: text.slice(start, end), appended, end });
    // As the replay releases: all but the hold-back (plain ASCII text, no surrogate pair to keep whole).
    start = Math.max(start, end - holdBack);
    if (end === text.length) break;
  }
  const lastReleased = text.slice(0, start);
  const lastPending = text.slice(start);
  return () => {
    const context = new HookContext({ hookPoint: 'AgentStreamChunk', componentId: component, data: {} });
    const data = context.data;
    for (const call of calls) {
      data.chunk = Object.freeze({ text: call.pending, final: false, appended: call.appended });
      data.output = { text: call.released };
      if (hook.execute(context).type !== 'continue') throw new Error('the benign stream was stopped');
    }
    data.chunk = { text: lastPending, final: true, appended: 0 };
    data.output = { text: lastReleased };
    if (hook.execute(context).type !== 'continue') throw new Error('the benign stream was stopped');
  };
}

/** Total scan time of a guarded stream, in deltas of each size, against one scan of the whole text. */
async function streamScan(benignLarge, profile) {
  const hook = new SecurityValidationHook(SecurityConfig.strict());
  const holdBack = hook.metadata().streamHoldBackChars;
  const noop = { execute: () => HookResult.continue() };
  const component = componentId('security-bench-writer', 'agent');
  const once = new HookContext({
    hookPoint: HookPoint.AfterAgentExecution,
    componentId: component,
    data: { output: { text: benignLarge } },
  });
  const sides = [{ label: 'one scan of the text (AfterAgentExecution)', fn: () => hook.execute(once) }];
  for (const size of STREAM_DELTAS) {
    sides.push(
      { label: `stream, ${size}-character deltas`, fn: streamReplay(hook, holdBack, benignLarge, size) },
      { label: `replay alone, ${size}`, fn: streamReplay(noop, holdBack, benignLarge, size) },
      { label: `calls alone, ${size}`, fn: callsAlone(hook, holdBack, benignLarge, size) },
      { label: `no-op calls, ${size}`, fn: callsAlone(noop, holdBack, benignLarge, size) },
    );
  }
  const [single, ...streams] = await interleave(sides, profile, { batch: false });
  const rows = [];
  const ratios = [];
  for (let index = 0; index < streams.length; index += 4) {
    const guarded = streams[index];
    const replay = streams[index + 1];
    const calls = streams[index + 2].rounds.map((value, round) => value - streams[index + 3].rounds[round]);
    const callRatios = calls.map((value, round) => value / single.rounds[round]);
    const callRatio = {
      ratio: median(callRatios),
      low: Math.min(...callRatios),
      high: Math.max(...callRatios),
    };
    const size = STREAM_DELTAS[index / 4];
    const deltas = Math.ceil(benignLarge.length / size);
    const inHook = guarded.rounds.map((value, round) => value - replay.rounds[round]);
    const perRound = inHook.map((value, round) => value / single.rounds[round]);
    const ratio = { ratio: median(perRound), low: Math.min(...perRound), high: Math.max(...perRound) };
    ratios.push({ size, ...ratio });
    rows.push([
      `${size}`,
      formatTime(single.ns),
      formatTime(median(inHook)),
      formatTime(replay.ns),
      formatRatio(ratio),
      formatRatio(callRatio),
      formatTime(median(calls) / deltas),
    ]);
  }
  const worst = ratios.reduce((a, b) => (b.ratio > a.ratio ? b : a));
  return {
    table: {
      caption:
        `A guarded 100 KB stream: the time spent in the hook over the whole stream (strict defaults, hold-back ` +
        `${holdBack}, output detectors) — the replay of the AgentStreamChunk phase with the hook minus the same ` +
        'replay around a no-op hook, round by round — against one scan of the same text at AfterAgentExecution. ' +
        'Calls alone: the same calls from prepared chunks, minus the same calls of a no-op hook (the last column ' +
        'per delta, scans included).',
      columns: [
        'deltas of',
        'one scan',
        'in the hook over the stream',
        'replay alone',
        'stream ÷ one scan',
        'calls alone ÷ one scan',
        'calls alone per delta',
      ],
      rows,
    },
    goal: {
      text: `guarded 100 KB stream ≤ ${GOAL_STREAM_RATIO}× one scan of the same text (every delta size)`,
      met: worst.ratio <= GOAL_STREAM_RATIO,
      measured: ratios
        .map((entry) => `${entry.ratio.toFixed(2)}× (${entry.size}-character deltas)`)
        .join(', '),
    },
  };
}

/** Building a hook, and lenient mode cleaning an input full of injections. */
async function otherCosts(contextFor, profile) {
  const lenient = new SecurityValidationHook({ strictMode: false });
  const injected = fill("find admin' OR '1'='1 and 1; DROP TABLE users ", 10_000);
  const context = contextFor(injected);
  if (lenient.execute(context).type !== 'modified') throw new Error('lenient mode did not clean the input');
  const sides = await interleave(
    [
      {
        label: 'construct, default options (not the first in the process)',
        fn: () => new SecurityValidationHook(),
      },
      {
        label: 'construct with a literal blocked pattern (no analysis needed)',
        fn: () => new SecurityValidationHook({ blockedPatterns: ['rm -rf'] }),
      },
      { label: 'lenient: sanitize 10,000 characters full of injections', fn: () => lenient.execute(context) },
    ],
    profile,
    { batch: false },
  );
  return {
    caption:
      'Other costs. Constructing a hook also warms up its patterns with one scan; the first construction in a ' +
      'process compiles the configuration schema, and a quantified blocked pattern loads recheck (see the ' +
      "package's README).",
    columns: ['measurement', 'median'],
    rows: sides.map((side) => [side.label, formatTime(side.ns)]),
  };
}

/** A benign scan with every detector, this checkout's hook against the baseline checkout's, in the same rounds. */
async function againstBaseline(baseline, benignSmall, benignLarge, profile) {
  const allDetectors = { sqlInjection: true, promptInjection: true, pii: true };
  const options = { maxInputLength: 2 * LARGE, detectors: allDetectors };
  const current = new SecurityValidationHook(options);
  const previous = new baseline.security.SecurityValidationHook(options);
  const rows = [];
  const goals = [];
  for (const [name, text] of [
    ['benign 1 KB', benignSmall],
    ['benign 100 KB', benignLarge],
  ]) {
    const [now, before] = await interleave(
      [
        { label: `${name}, this checkout`, fn: () => current.validate({ text }) },
        { label: `${name}, baseline`, fn: () => previous.validate({ text }) },
      ],
      profile,
      { batch: false },
    );
    const ratio = pairedRatio(now, before);
    rows.push([`${name}, every detector`, formatTime(before.ns), formatTime(now.ns), formatRatio(ratio)]);
    if (name === 'benign 1 KB') {
      goals.push({
        text: `benign 1 KB scan with every detector ≤ ${GOAL_BASELINE_RATIO}× the baseline checkout`,
        met: ratio.ratio <= GOAL_BASELINE_RATIO,
        measured: formatRatio(ratio),
      });
    }
  }
  return {
    table: {
      caption:
        '`validate({ text })` with every detector (SQL, prompt injection, PII), this checkout beside the ' +
        "baseline checkout's `@llmspell/hook-security`, interleaved in the same rounds.",
      columns: ['input', 'baseline', 'this checkout', 'this ÷ baseline (round range)'],
      rows,
    },
    goals,
  };
}

export const securityScan = {
  id: 'security-scan',
  title: '4. Security scan',
  async run({ profile, baseline }) {
    const component = componentId('security-bench-agent', 'agent');
    const contextFor = (text) =>
      new HookContext({
        hookPoint: HookPoint.BeforeAgentExecution,
        componentId: component,
        data: { input: { text } },
      });
    const allDetectors = { sqlInjection: true, promptInjection: true, pii: true };
    const everything = new SecurityValidationHook({ maxInputLength: 2 * LARGE, detectors: allDetectors });
    const defaults = new SecurityValidationHook({ maxInputLength: 2 * LARGE });

    const benignLarge = fill(`${PROSE}\n`, LARGE);
    const benignSmall = benignLarge.slice(0, SMALL);
    for (const [name, text] of [
      ['benign 1 KB', benignSmall],
      ['benign 100 KB', benignLarge],
    ]) {
      const result = everything.execute(contextFor(text));
      if (result.type !== 'continue')
        throw new Error(`The ${name} input was flagged: ${JSON.stringify(result)}`);
    }
    const scan = (hook, text) => {
      const context = contextFor(text);
      return () => hook.execute(context);
    };
    const throughputSides = await interleave(
      [
        {
          label: 'benign 1 KB, default detectors (SQL injection)',
          fn: scan(defaults, benignSmall),
          bytes: SMALL,
        },
        {
          label: 'benign 100 KB, default detectors (SQL injection)',
          fn: scan(defaults, benignLarge),
          bytes: LARGE,
        },
        {
          label: 'benign 1 KB, all detectors (SQL, prompt injection, PII)',
          fn: scan(everything, benignSmall),
          bytes: SMALL,
        },
        { label: 'benign 100 KB, all detectors', fn: scan(everything, benignLarge), bytes: LARGE },
      ],
      profile,
      { batch: false },
    );
    const throughputRows = throughputSides.map((side, index) => {
      const bytes = index % 2 === 0 ? SMALL : LARGE;
      return [side.label, formatTime(side.ns), `${(bytes / (side.ns / 1e9) / 1e6).toFixed(1)} MB/s`];
    });

    const adversarialEntries = Object.entries(adversarial).map(([name, unit]) => ({
      name,
      text: fill(unit, LARGE),
    }));
    const adversarialSides = await interleave(
      [
        { label: 'benign 100 KB (reference)', fn: scan(everything, benignLarge) },
        ...adversarialEntries.map(({ name, text }) => ({ label: name, fn: scan(everything, text) })),
      ],
      profile,
      { batch: false },
    );
    const [benignSide, ...attacks] = adversarialSides;
    const ratios = attacks.map((side) => ({ side, ...pairedRatio(side, benignSide) }));
    const worst = ratios.reduce((a, b) => (b.ratio > a.ratio ? b : a));
    const adversarialRows = [
      [benignSide.label, formatTime(benignSide.ns), '1.00×', ''],
      ...ratios.map(({ side, ratio, low, high }, index) => {
        const verdict = everything.execute(contextFor(adversarialEntries[index].text));
        return [
          side.label,
          formatTime(side.ns),
          formatRatio({ ratio, low, high }),
          verdict.type === 'cancel' ? 'flagged' : 'passed',
        ];
      }),
    ];
    const costs = await otherCosts(contextFor, profile);
    const stream = await streamScan(benignLarge, profile);
    const compared =
      baseline?.security === undefined
        ? undefined
        : await againstBaseline(baseline, benignSmall, benignLarge, profile);
    return {
      intro:
        '`SecurityValidationHook.execute` on one `{ text }` input (strict mode, `maxInputLength` raised to ' +
        `${2 * LARGE} so 100 KB is scanned whole). MB/s counts input characters (ASCII, so bytes).`,
      columns: ['input', 'median per scan', 'throughput'],
      rows: throughputRows,
      extraTables: [
        {
          caption:
            'Adversarial 100 KB inputs, all detectors, each a short unit repeated to 100 KB, against benign ' +
            '100 KB prose in the same rounds. "flagged": the hook answered `cancel` (it still scans the ' +
            'whole input and lists every violation).',
          columns: ['adversarial 100 KB input', 'median per scan', 'vs benign (round range)', 'verdict'],
          rows: adversarialRows,
        },
        costs,
        stream.table,
        ...(compared ? [compared.table] : []),
      ],
      goals: [
        {
          text: `adversarial 100 KB ≤ ${GOAL_RATIO}× benign 100 KB (worst input)`,
          met: worst.ratio <= GOAL_RATIO,
          measured: `worst ${worst.ratio.toFixed(2)}× (${worst.side.label})`,
        },
        stream.goal,
        ...(compared ? compared.goals : []),
      ],
    };
  },
};
