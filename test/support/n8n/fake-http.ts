// Stand-ins for the express request and response n8n's webhook server hands to a node's webhook().
// They carry what nodes read (headers, body, rawBody, query, params, method) and record what
// nodes write (status, headers, body), the way express's res.status().json()/send()/end() would.
import type { IDataObject } from 'n8n-workflow';

export interface WebhookRequestInput {
	method?: string;
	/** Header names in any case; they reach the node lower-cased, as Node's http does. */
	headers?: Record<string, string | string[] | undefined>;
	/**
	 * An object or array is sent as JSON (content type application/json unless a header says
	 * otherwise); a string or Buffer is sent as is. The node sees `body` parsed when the content
	 * type is JSON, and the exact bytes as `rawBody`.
	 */
	body?: unknown;
	query?: IDataObject;
	params?: IDataObject;
}

export interface FakeRequest {
	method: string;
	url: string;
	path: string;
	headers: Record<string, string | string[] | undefined>;
	body: unknown;
	rawBody: Buffer;
	query: IDataObject;
	params: IDataObject;
	contentType?: string;
	get(name: string): string | string[] | undefined;
	header(name: string): string | string[] | undefined;
}

export interface CapturedResponse {
	status: number;
	headers: Record<string, string>;
	body: unknown;
}

export function buildRequest(input: WebhookRequestInput, url: string): FakeRequest {
	const headers: FakeRequest['headers'] = {};
	for (const [name, value] of Object.entries(input.headers ?? {})) {
		if (value !== undefined) headers[name.toLowerCase()] = value;
	}
	let rawBody: Buffer;
	if (input.body === undefined) rawBody = Buffer.alloc(0);
	else if (Buffer.isBuffer(input.body)) rawBody = input.body;
	else if (typeof input.body === 'string') rawBody = Buffer.from(input.body);
	else {
		rawBody = Buffer.from(JSON.stringify(input.body));
		headers['content-type'] ??= 'application/json';
	}
	if (rawBody.length > 0) headers['content-length'] ??= String(rawBody.length);
	const contentType = String(headers['content-type'] ?? '').split(';')[0].trim().toLowerCase() || undefined;
	const isJson = contentType !== undefined && /^application\/(.+\+)?json$/.test(contentType);
	let body: unknown = {};
	if (rawBody.length > 0) {
		// A malformed JSON body stays a string: the node under test decides what to answer.
		try {
			body = isJson ? JSON.parse(rawBody.toString('utf8')) : rawBody.toString('utf8');
		} catch {
			body = rawBody.toString('utf8');
		}
	}
	const path = new URL(url).pathname;
	const get = (name: string) => headers[name.toLowerCase()];
	return {
		method: (input.method ?? 'POST').toUpperCase(),
		url: path,
		path,
		headers,
		body,
		rawBody,
		query: input.query ?? {},
		params: input.params ?? {},
		contentType,
		get,
		header: get,
	};
}

/** An express-like response that records what the node wrote. */
export class FakeResponse {
	statusCode = 200;
	headersSent = false;
	finished = false;
	readonly headers: Record<string, string> = {};
	body: unknown = undefined;

	status(code: number): this {
		this.statusCode = code;
		return this;
	}

	sendStatus(code: number): this {
		return this.status(code).end();
	}

	setHeader(name: string, value: string | number | string[]): this {
		this.headers[name.toLowerCase()] = Array.isArray(value) ? value.join(', ') : String(value);
		return this;
	}

	set(field: string | Record<string, string>, value?: string): this {
		if (typeof field === 'string') return this.setHeader(field, value ?? '');
		for (const [name, v] of Object.entries(field)) this.setHeader(name, v);
		return this;
	}

	header(field: string | Record<string, string>, value?: string): this {
		return this.set(field, value);
	}

	getHeader(name: string): string | undefined {
		return this.headers[name.toLowerCase()];
	}

	writeHead(code: number, headers?: Record<string, string>): this {
		this.statusCode = code;
		if (headers) this.set(headers);
		this.headersSent = true;
		return this;
	}

	json(body: unknown): this {
		this.headers['content-type'] ??= 'application/json; charset=utf-8';
		return this.finish(body);
	}

	send(body?: unknown): this {
		if (body !== null && typeof body === 'object' && !Buffer.isBuffer(body)) return this.json(body);
		return this.finish(body);
	}

	end(body?: unknown): this {
		return this.finish(body);
	}

	write(chunk: unknown): boolean {
		this.headersSent = true;
		const text = Buffer.isBuffer(chunk) ? chunk.toString('utf8') : String(chunk);
		this.body = typeof this.body === 'string' ? this.body + text : text;
		return true;
	}

	/** True once the node answered (status line or body sent). */
	get answered(): boolean {
		return this.headersSent || this.finished;
	}

	captured(): CapturedResponse {
		return { status: this.statusCode, headers: { ...this.headers }, body: this.body };
	}

	private finish(body: unknown): this {
		if (this.finished) throw new Error('FakeResponse: the response was already sent');
		if (body !== undefined) this.body = Buffer.isBuffer(body) ? body.toString('utf8') : body;
		this.headersSent = true;
		this.finished = true;
		return this;
	}
}
