export { MissingInputError } from './errors/missing-input-error.js';
export type { DetectorOptions, JsonSchema } from './security-config.js';
export { SecurityConfig } from './security-config.js';
export { SecurityValidationHook } from './security-validation-hook.js';
export type {
  BlockedPattern,
  InputTooLong,
  InvalidToolArguments,
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
