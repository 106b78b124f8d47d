import { base64Of } from './base64.js';

// File parts carry their bytes in two shapes: AI SDK 6 (specification V3) as `data` itself, AI SDK 7 (V4) as
// `data: { type: 'data', data }` beside URL, reference and text forms. Both are read here, in one place.

type DataHolder = { readonly type: string; readonly data?: unknown };

function isDataForm(value: unknown): value is { type: 'data'; data: unknown } {
  return value !== null && typeof value === 'object' && (value as { type?: unknown }).type === 'data';
}

function bytesOf(data: unknown): Uint8Array | undefined {
  if (data instanceof Uint8Array) return data;
  if (isDataForm(data) && data.data instanceof Uint8Array) return data.data;
  return undefined;
}

/** True when `part` is a file part (of a prompt or of generated content) holding raw bytes. */
export function hasFileBytes(part: DataHolder): boolean {
  return (part.type === 'file' || part.type === 'reasoning-file') && bytesOf(part.data) !== undefined;
}

/** `part` with its file bytes as a base64 string, in the same shape; `part` itself when it holds no bytes. */
export function withBase64Bytes<Part extends DataHolder>(part: Part): Part {
  if (!hasFileBytes(part)) return part;
  const data = part.data;
  const base64 = base64Of(bytesOf(data) as Uint8Array);
  return { ...part, data: data instanceof Uint8Array ? base64 : { ...(data as object), data: base64 } };
}
