import { componentId, HookContext, HookPoint } from '@llmspell/core';
import { describe, expect, it } from 'vitest';
import { SecurityValidationHook } from './security-validation-hook.js';

const detect = new SecurityValidationHook({ detectors: { sqlInjection: false, pii: true } });
const mask = new SecurityValidationHook({ strictMode: false, detectors: { sqlInjection: false, pii: true } });
const kinds = (text: string) => detect.validate({ text }).map((violation) => violation.type);
const masked = (text: string): string => {
  const context = new HookContext({
    hookPoint: HookPoint.BeforeAgentExecution,
    componentId: componentId('agent', 'agent'),
    data: { input: { text } },
  });
  const result = mask.execute(context) as { type: string; data?: { input: { text: string } } };
  return result.type === 'modified' ? result.data!.input.text : text;
};

describe('secrets', () => {
  it.each([
    ['a Slack bot token', 'token xoxb-781236542736-2364535789652-GkwFDQoHqzXDVsC6GzqYUypD'],
    ['a Slack refresh token', 'xoxe-1-My0xLTMxNzcwMjQ0MTcxMy01MTU4MTUyNjkxNzE0LTUxODE4NDI0MDY3MzYt'],
    [
      'a Slack webhook',
      'post to https://hooks.slack.com/services/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',
    ],
    [
      'a PGP private key block',
      '-----BEGIN PGP PRIVATE KEY BLOCK-----\nlQWGBGSVV4YBDAClvRnxezIRy2Yv7SFlzC0i\n-----END PGP PRIVATE KEY BLOCK-----',
    ],
    [
      'an assigned random secret',
      '"credentials" : "0afae57f3ccfd9d7f5767067bc48b30f719e271ba470488056e37ab35"',
    ],
    [
      'a secret passed as an argument',
      'getEnvOrDefault("api_token", "dafa7817-e246-48f3-91a7-e87653d587b8")',
    ],
  ])('finds %s', (_kind, text) => {
    expect(kinds(text)).toContain('PersonalData');
  });

  it.each([
    ['an x-filled GitHub token', 'ghp_xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx'],
    ['a token that says HERE', 'xoxe.xoxp-1-SlackAppConfigurationAccessTokenHere'],
    ['an empty key block', '-----BEGIN OPENSSH PRIVATE KEY----------END OPENSSH PRIVATE KEY-----'],
    ['a word as a password', 'password: correcthorse'],
    ['an example value', 'api_key = "your-api-key-goes-here-123"'],
    ['a CSRF token, its name first', 'csrf-token=Mj2qykJO5rELyHgezQ69nzUX0i3OH67V7+V4eUrLfpu'],
    ['a CSRF token in a header', 'X-CSRF-Token: Mj2qykJO5rELyHgezQ69nzUX0i3OH67V7'],
  ])('does not take %s for a secret', (_kind, text) => {
    expect(kinds(text)).toEqual([]);
  });

  it('never masks across a line break: an empty assignment leaves the next line alone', () => {
    const text = 'snowflake.password=\njdbc.snowflake.url=jdbc:snowflake://acme.example/db';
    expect(kinds(text)).toEqual([]);
    const secret = 'password=\nnext=Zf3D0LXCM3EIMbgJpUNnkRtOfOueHznB';
    expect(masked(secret).split('\n')[0]).toBe('password=');
  });

  it('masks only the value of an assigned secret, on its own line', () => {
    expect(masked('db_password = "Zf3D0LXCM3EIMbgJpUNnkRtOfOueHznB"\nuser = admin')).toBe(
      'db_password = "[secret]"\nuser = admin',
    );
  });
});
