import { describe, expect, it } from 'vitest';
import {
  BUILTIN_HOOK_POINTS,
  HookPoint,
  isAfterPoint,
  isBeforePoint,
  isErrorPoint,
  isHookPoint,
} from './hook-point.js';

describe('HookPoint', () => {
  it('has all 44 built-in points, each equal to its key', () => {
    expect(BUILTIN_HOOK_POINTS).toHaveLength(44);
    for (const point of BUILTIN_HOOK_POINTS) expect(HookPoint[point]).toBe(point);
    expect(HookPoint.AgentError).toBe('AgentError');
    expect(HookPoint.AgentStreamChunk).toBe('AgentStreamChunk');
  });

  it('counts AgentStreamChunk as neither a before, an after nor an error point', () => {
    expect(isBeforePoint(HookPoint.AgentStreamChunk)).toBe(false);
    expect(isAfterPoint(HookPoint.AgentStreamChunk)).toBe(false);
    expect(isErrorPoint(HookPoint.AgentStreamChunk)).toBe(false);
  });

  it('builds custom points and refuses an empty name', () => {
    expect(HookPoint.custom('billing')).toBe('custom:billing');
    expect(isHookPoint(HookPoint.custom('billing'))).toBe(true);
    expect(() => HookPoint.custom('')).toThrow(TypeError);
    expect(isHookPoint('custom:')).toBe(false);
    expect(isHookPoint('NotAPoint')).toBe(false);
  });

  it('classifies before, after and error points', () => {
    expect(isBeforePoint(HookPoint.BeforeAgentExecution)).toBe(true);
    expect(isBeforePoint(HookPoint.ToolValidation)).toBe(true);
    expect(isBeforePoint(HookPoint.AfterAgentExecution)).toBe(false);
    expect(isAfterPoint(HookPoint.AfterToolExecution)).toBe(true);
    expect(isAfterPoint(HookPoint.AgentError)).toBe(false);
    expect(BUILTIN_HOOK_POINTS.filter(isErrorPoint)).toEqual([
      'AgentError',
      'ToolError',
      'WorkflowError',
      'EventHandlerError',
    ]);
  });
});
