/** Replies that mean the server is a Redis Cluster node talked to as a single server. */
const CLUSTER_REPLY = /^(MOVED|ASK|CROSSSLOT|CLUSTERDOWN)\b/;

/**
 * The real cause of a Redis failure in one line: the server's reply (WRONGPASS, NOPERM …), a socket or TLS
 * error with its code (ECONNREFUSED, SELF_SIGNED_CERT_IN_CHAIN …), with a hint where the fix is known.
 */
export function describeRedisError(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const { message } = error;
  const code = (error as { code?: unknown }).code;
  let text = typeof code === 'string' && !message.includes(code) ? `${code}: ${message}` : message;
  // A Cluster client that could not reach any node keeps the node's own error aside.
  const lastNodeError = (error as { lastNodeError?: unknown }).lastNodeError;
  if (lastNodeError instanceof Error) text = `${text} (${describeRedisError(lastNodeError)})`;
  if (CLUSTER_REPLY.test(message) && !message.startsWith('CLUSTERDOWN')) {
    return `${text}: the server is a Redis Cluster node; pass an ioredis Cluster client (new Cluster([{ host, port }])) instead of a single-node URL`;
  }
  if (message.startsWith('NOPERM')) {
    return `${text}: grant the Redis user the commands the hooks use (for example +@scripting +@read +@write)`;
  }
  return text;
}
