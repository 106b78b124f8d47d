export { MissingInputError } from './errors/missing-input-error.js';
export type { PromptInjectionClassifier } from './prompt-injection-classifier.js';
export type { DetectorOptions, JsonSchema, PromptInjectionOptions } from './security-config.js';
export { SecurityConfig } from './security-config.js';
export { SecurityValidationHook } from './security-validation-hook.js';
export type {
  BlockedPattern,
  ClassifierFailed,
  InputTooComplex,
  InputTooLong,
  InvalidToolArguments,
  MissingInput,
  PersonalData,
  PersonalDataKind,
  PromptInjection,
  PromptInjectionTechnique,
  SecurityViolation,
  SecurityViolationType,
  SqlInjection,
  SqlInjectionTechnique,
} from './violations.js';
export { describeViolation } from './violations.js';
