import { once } from 'node:events';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';

/** A local HTTP server that records POST bodies and answers per `behaviour`. */
export interface WebhookServer {
  readonly url: string;
  readonly bodies: unknown[];
  /** The path and Authorization header of every request, in order. */
  readonly requests: { path: string; authorization: string | undefined }[];
  /** 'ok' answers 204; 'fail' answers 500; 'hang' never answers; 'redirect' answers 302 to /internal-admin. */
  behaviour: 'ok' | 'fail' | 'hang' | 'redirect';
  close(): Promise<void>;
}

export async function startWebhookServer(
  behaviour: WebhookServer['behaviour'] = 'ok',
): Promise<WebhookServer> {
  const hanging = new Set<ServerResponse>();
  const state = {
    bodies: [] as unknown[],
    requests: [] as { path: string; authorization: string | undefined }[],
    behaviour,
  };
  const server = createServer((request: IncomingMessage, response: ServerResponse) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      state.requests.push({ path: request.url ?? '', authorization: request.headers.authorization });
      state.bodies.push(JSON.parse(Buffer.concat(chunks).toString('utf8')));
      if (state.behaviour === 'redirect' && request.url !== '/internal-admin') {
        response.writeHead(302, { location: '/internal-admin' });
        response.end();
        return;
      }
      if (state.behaviour === 'hang') {
        hanging.add(response);
        return;
      }
      response.statusCode = state.behaviour === 'ok' ? 204 : 500;
      response.end();
    });
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return {
    url: `http://127.0.0.1:${port}/alerts`,
    get bodies() {
      return state.bodies;
    },
    get requests() {
      return state.requests;
    },
    get behaviour() {
      return state.behaviour;
    },
    set behaviour(value) {
      state.behaviour = value;
    },
    async close() {
      for (const response of hanging) response.destroy();
      server.closeAllConnections();
      server.close();
      await once(server, 'close');
    },
  };
}
