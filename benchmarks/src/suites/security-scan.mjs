// 4. Security scan: throughput on 1 KB and 100 KB benign inputs, and adversarial 100 KB inputs (built to make
// the decoder, the comment stripper, NFKC and every pattern work hardest) as a ratio to benign 100 KB.
import { componentId, HookContext, HookPoint } from '@llmspell/core';
import { SecurityValidationHook } from '@llmspell/hook-security';
import { formatRatio, formatTime, interleave, pairedRatio } from '../harness.mjs';

const GOAL_RATIO = 3;
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
};

export const securityScan = {
  id: 'security-scan',
  title: '4. Security scan',
  async run({ profile }) {
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
        { label: 'benign 100 KB (baseline)', fn: scan(everything, benignLarge) },
        ...adversarialEntries.map(({ name, text }) => ({ label: name, fn: scan(everything, text) })),
      ],
      profile,
      { batch: false },
    );
    const [baseline, ...attacks] = adversarialSides;
    const ratios = attacks.map((side) => ({ side, ...pairedRatio(side, baseline) }));
    const worst = ratios.reduce((a, b) => (b.ratio > a.ratio ? b : a));
    const adversarialRows = [
      [baseline.label, formatTime(baseline.ns), '1.00×', ''],
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
      ],
      goals: [
        {
          text: `adversarial 100 KB ≤ ${GOAL_RATIO}× benign 100 KB (worst input)`,
          met: worst.ratio <= GOAL_RATIO,
          measured: `worst ${worst.ratio.toFixed(2)}× (${worst.side.label})`,
        },
      ],
    };
  },
};
