import { once } from 'node:events';
import { createServer } from 'node:http';

/** A tiny local HTTP server standing in for a team's alert webhook (Slack, PagerDuty …). */
export async function startAlertReceiver() {
  const alerts: { message: string; details: Record<string, unknown> }[] = [];
  const server = createServer((request, response) => {
    let body = '';
    request.on('data', (chunk) => {
      body += chunk;
    });
    request.on('end', () => {
      try {
        alerts.push(JSON.parse(body));
      } catch {
        // Not JSON: not an alert of ours.
      }
      response.writeHead(204).end();
    });
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return {
    url: `http://127.0.0.1:${port}/alerts`,
    alerts,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
