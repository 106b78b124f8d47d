// The security hook every chaos worker runs. The orchestrator builds the same one to scan, outside the soak,
// the prompts it refused: a verdict the scan also gives in calm conditions is its judgement of the text, not a fault.
import { SecurityConfig, SecurityValidationHook } from '@llmspell/hook-security';

export const createSecurityHook = () => new SecurityValidationHook(SecurityConfig.strict());
