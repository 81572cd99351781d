// A tiny HTTP server on 127.0.0.1 (random port) that records every request and answers with
// whatever the test's handler returns. For harness tests and node tests that need no emulator.
import * as http from 'http';
import type { AddressInfo } from 'net';

export interface RecordedRequest {
	method: string;
	/** Path and query string, e.g. `/items?x=1`. */
	url: string;
	headers: http.IncomingHttpHeaders;
	body: string;
	/** The body parsed as JSON when it is JSON, else undefined. */
	json: unknown;
}

export interface LoopbackReply {
	status?: number;
	headers?: Record<string, string>;
	/** Objects are sent as JSON. */
	body?: unknown;
}

export interface LoopbackServer {
	/** `http://127.0.0.1:<port>` */
	url: string;
	requests: RecordedRequest[];
	close(): Promise<void>;
}

export async function startLoopbackServer(
	handler: (request: RecordedRequest) => LoopbackReply | Promise<LoopbackReply> = () => ({ body: {} }),
): Promise<LoopbackServer> {
	const requests: RecordedRequest[] = [];
	const server = http.createServer((req, res) => {
		const chunks: Buffer[] = [];
		req.on('data', (chunk: Buffer) => chunks.push(chunk));
		req.on('end', () => {
			const body = Buffer.concat(chunks).toString('utf8');
			let json: unknown;
			try {
				json = body ? JSON.parse(body) : undefined;
			} catch {
				json = undefined;
			}
			const recorded: RecordedRequest = { method: req.method ?? '', url: req.url ?? '', headers: req.headers, body, json };
			requests.push(recorded);
			Promise.resolve(handler(recorded))
				.then((reply) => {
					const isText = typeof reply.body === 'string' || reply.body === undefined;
					res.writeHead(reply.status ?? 200, {
						...(isText ? {} : { 'content-type': 'application/json' }),
						...reply.headers,
					});
					res.end(isText ? (reply.body as string | undefined) : JSON.stringify(reply.body));
				})
				.catch((error: unknown) => {
					res.writeHead(500, { 'content-type': 'text/plain' });
					res.end(String(error));
				});
		});
	});
	// Keep-alive sockets from n8n's HTTP client would otherwise hold jest open after close().
	server.keepAliveTimeout = 1;
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	const { port } = server.address() as AddressInfo;
	return {
		url: `http://127.0.0.1:${port}`,
		requests,
		close: async () => {
			server.closeAllConnections();
			await new Promise<void>((resolve, reject) => server.close((e) => (e ? reject(e) : resolve())));
		},
	};
}
