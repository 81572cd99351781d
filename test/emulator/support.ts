// Raw HTTP helpers for the emulator's own tests: nothing between the test and the wire.
import * as http from 'http';

export interface RawResponse {
	status: number;
	headers: http.IncomingHttpHeaders;
	text: string;
	json: Record<string, unknown>;
}

export function basic(token: string, user = ''): string {
	return `Basic ${Buffer.from(`${user}:${token}`).toString('base64')}`;
}

export function call(
	method: string,
	url: string,
	opts: { token?: string; body?: unknown; contentType?: string; headers?: Record<string, string> } = {},
): Promise<RawResponse> {
	return new Promise((resolve, reject) => {
		const payload = opts.body === undefined ? undefined : typeof opts.body === 'string' ? opts.body : JSON.stringify(opts.body);
		const headers: Record<string, string> = { Accept: 'application/json', ...(opts.headers ?? {}) };
		if (opts.token !== undefined) headers.Authorization = basic(opts.token);
		if (payload !== undefined) headers['Content-Type'] = opts.contentType ?? 'application/json';
		const req = http.request(url, { method, headers }, (res) => {
			const chunks: Buffer[] = [];
			res.on('data', (c: Buffer) => chunks.push(c));
			res.on('end', () => {
				const text = Buffer.concat(chunks).toString('utf8');
				let json: Record<string, unknown> = {};
				try {
					json = text ? (JSON.parse(text) as Record<string, unknown>) : {};
				} catch {
					json = {};
				}
				resolve({ status: res.statusCode ?? 0, headers: res.headers, text, json });
			});
			res.on('error', reject);
		});
		req.on('error', reject);
		req.end(payload);
	});
}

/** A local receiver for service-hook deliveries that answers with a chosen status. */
export async function startReceiver(answer: (body: Record<string, unknown>) => number = () => 200): Promise<{
	url: string;
	received: Array<{ headers: http.IncomingHttpHeaders; body: Record<string, unknown> }>;
	close: () => Promise<void>;
}> {
	const received: Array<{ headers: http.IncomingHttpHeaders; body: Record<string, unknown> }> = [];
	const server = http.createServer((req, res) => {
		const chunks: Buffer[] = [];
		req.on('data', (c: Buffer) => chunks.push(c));
		req.on('end', () => {
			const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as Record<string, unknown>;
			received.push({ headers: req.headers, body });
			res.writeHead(answer(body), { 'Content-Type': 'application/json' });
			res.end('{"ok":true}');
		});
	});
	await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
	const port = (server.address() as { port: number }).port;
	return {
		url: `http://127.0.0.1:${port}/webhook`,
		received,
		close: () => new Promise<void>((r) => server.close(() => r())),
	};
}
