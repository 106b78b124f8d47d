/**
 * Whether a key names a secret, in any case and spelling: `apiKey`, `API_KEY`, `x-api-key`, `secretKey`,
 * `AWS_SECRET_ACCESS_KEY`, `passphrase`, `cookies`, `auth`, `jwt`, `encryptionKey`, `refresh_token`. Token
 * counts (`tokensUsed`, `maxTokens`, `inputTokens`) are not secrets. Linear in the key's length, no regex.
 */
export function isSecretKey(key: string): boolean {
  const words = splitWords(key);
  if (words.length === 0) return false;
  const joined = words.join('');
  for (const fragment of SECRET_FRAGMENTS) if (joined.includes(fragment)) return true;
  for (const word of words) if (SECRET_WORDS.has(word)) return true;
  // `accessToken`, `xauthtoken`, `basicauth`: a key that ends in one of these names a secret.
  return SECRET_ENDINGS.some((ending) => joined.endsWith(ending));
}

/** Anywhere in the key (words joined, lower case): nothing innocent contains these. */
const SECRET_FRAGMENTS = [
  'password',
  'passwd',
  'passphrase',
  'secret',
  'apikey',
  'privatekey',
  'accesskey',
  'encryptionkey',
  'signingkey',
  'sessionid',
  'sessionkey',
  'credential',
  'cookie',
  'authorization',
  'jwt',
  'bearer',
];

/** Whole words only: `auth` but not `author`, `token` but not `tokensUsed`. */
const SECRET_WORDS = new Set(['pwd', 'auth', 'oauth', 'token', 'otp', 'pin', 'cvv', 'ssn']);

const SECRET_ENDINGS = ['token', 'auth'];

/** Lower-case words of a key: split at case changes, digits and separators (`AWS_SECRET` → aws, secret). */
function splitWords(key: string): string[] {
  const words: string[] = [];
  let word = '';
  let previousLower = false;
  for (let index = 0; index < key.length; index++) {
    const code = key.charCodeAt(index);
    const upper = code >= 65 && code <= 90;
    const lower = code >= 97 && code <= 122;
    if (!upper && !lower) {
      if (word !== '') words.push(word);
      word = '';
      previousLower = false;
      continue;
    }
    if (upper && previousLower && word !== '') {
      words.push(word);
      word = '';
    }
    word += upper ? String.fromCharCode(code + 32) : key[index];
    previousLower = lower;
  }
  if (word !== '') words.push(word);
  return words;
}
