import { describe, expect, it } from 'vitest';
import { isTextMediaType } from './media-type.js';

describe('which files are text', () => {
  it('text/*, bare text, and textual application types, parameters and case aside', () => {
    for (const type of [
      'text/plain',
      'TEXT/CSV; charset=utf-8',
      'text/markdown',
      'text',
      'application/json',
      'application/xml',
      'application/x-yaml',
      'application/vnd.api+json',
      'application/atom+xml',
    ]) {
      expect(isTextMediaType(type), type).toBe(true);
    }
    for (const type of [
      'image/png',
      'image/svg+xml',
      'application/pdf',
      'application/octet-stream',
      'audio',
    ]) {
      expect(isTextMediaType(type), type).toBe(false);
    }
    expect(isTextMediaType(undefined)).toBe(false);
  });
});
