// A hook plugin as a package of its own: a default export with name, version, the core range it was built
// for, and hooks(). It needs nothing from @llmspell at run time: results are plain objects.
const maxWords = Number(process.env.WORD_LIMIT ?? 12);

const wordLimit = {
  id: 'word-limit',
  metadata: () => ({ description: `Refuses prompts longer than ${maxWords} words`, priority: -100 }),
  execute(context) {
    const words = String(context.data.input?.text ?? '')
      .split(/\s+/)
      .filter(Boolean).length;
    return words > maxWords
      ? { type: 'cancel', reason: `Prompt has ${words} words; the limit is ${maxWords}` }
      : { type: 'continue' };
  },
};

export default {
  name: 'word-limit',
  version: '1.0.0',
  coreVersion: '>=0.1.0 <1.0.0',
  hooks: () => [['BeforeAgentExecution', wordLimit]],
};
