// A small service desk on 127.0.0.1: the other end of the two-way demo and its end-to-end test. In-memory tickets
// with a state, notes and attachments, a REST API behind an API key, and a webhook out that POSTs one JSON event per
// state change, note and attachment, also for changes the integration itself made (as service desks do). It models
// what the n8n workflows need from a service desk, not any particular product: see docs/servicedesk-stand-in.md.
import * as crypto from 'node:crypto';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';

// a demo value, printed by the CLI; not a secret of anything
export const DEMO_API_KEY = ['sd', 'demo', 'key', '0001'].join('-');
/** The header the REST API reads the key from. */
export const API_KEY_HEADER = 'x-api-key';
export const DEFAULT_STATE = 'New';

export interface Note {
	id: number;
	author: string;
	text: string;
	internal?: boolean;
	createdAt: string;
}

export interface Attachment {
	id: number;
	fileName: string;
	contentType: string;
	size: number;
	bytes: Buffer;
	/** Who added it (the REST caller's `author`, else "API"). */
	author: string;
	createdAt: string;
}

export interface Ticket {
	id: string;
	title: string;
	description: string;
	state: string;
	priority: string;
	requester: string;
	url: string;
	notes: Note[];
	attachments: Attachment[];
}

export type EventName = 'ticket.stateChanged' | 'ticket.noteAdded' | 'ticket.attachmentAdded';

export interface WebhookDelivery {
	id: string;
	event: EventName;
	ticketId: string;
	url: string;
	payload: Record<string, unknown>;
	status: number | null;
	error: string | null;
	at: string;
}

export interface TicketSeed {
	id?: string;
	title: string;
	description?: string;
	state?: string;
	priority?: string;
	requester?: string;
	notes?: Array<{ author: string; text: string; internal?: boolean }>;
	attachments?: Array<{ fileName: string; contentType?: string; bytes: Buffer | string; author?: string }>;
}

export interface ServiceDeskOptions {
	port?: number;
	apiKey?: string;
	/** Where events are POSTed (any number of URLs, loopback only). */
	webhookUrls?: string[];
	/** Tickets to start with; default: one sample ticket, HD-1. */
	seed?: TicketSeed[];
}

export interface RecordedRequest {
	method: string;
	path: string;
	authorized: boolean;
	/** The caller's User-Agent header (n8n's HTTP Request node sends one), or null. */
	userAgent: string | null;
}

export const SAMPLE_TICKETS: TicketSeed[] = [
	{
		title: 'Printer on floor 3 is offline',
		description: 'The printer by the kitchen shows "offline" since this morning.',
		priority: 'High',
		requester: 'Mona Kane',
		notes: [{ author: 'Mona Kane', text: 'It shows a paper jam light.' }],
	},
];

class HttpError extends Error {
	constructor(
		readonly status: number,
		message: string,
	) {
		super(message);
	}
}

const MAX_BODY = 64 * 1024 * 1024;

/** The service desk: the state, the HTTP server and the webhook queue. */
export class ServiceDesk {
	readonly apiKey: string;
	private server: http.Server;
	private port = 0;
	private store = new Map<string, Ticket>();
	private nextTicket = 1;
	private nextNote = 1;
	private nextAttachment = 1;
	private hooks: string[];
	private delivered: WebhookDelivery[] = [];
	private queue: Promise<void> = Promise.resolve();
	private log: RecordedRequest[] = [];

	constructor(private readonly options: ServiceDeskOptions = {}) {
		this.apiKey = options.apiKey ?? DEMO_API_KEY;
		this.hooks = [...(options.webhookUrls ?? [])];
		this.server = http.createServer((req, res) => void this.handle(req, res));
	}

	get url(): string {
		return `http://127.0.0.1:${this.port}`;
	}

	async listen(port = 0): Promise<void> {
		await new Promise<void>((resolve, reject) => {
			this.server.once('error', reject);
			this.server.listen(port, '127.0.0.1', () => resolve());
		});
		this.port = (this.server.address() as AddressInfo).port;
		this.seed(this.options.seed ?? SAMPLE_TICKETS);
	}

	async stop(): Promise<void> {
		await this.flush();
		await new Promise<void>((resolve) => this.server.close(() => resolve()));
	}

	// ------------------------------------------------------------------ state

	/** Forgets every ticket and delivery and starts again with `tickets` (ids from HD-1 unless given). */
	seed(tickets: TicketSeed[] = []): Ticket[] {
		this.store.clear();
		this.delivered = [];
		this.nextTicket = 1;
		this.nextNote = 1;
		this.nextAttachment = 1;
		return tickets.map((t) => this.insert(t));
	}

	private insert(seed: TicketSeed): Ticket {
		const id = seed.id ?? `HD-${this.nextTicket}`;
		const n = /^HD-(\d+)$/.exec(id);
		this.nextTicket = Math.max(this.nextTicket, n ? Number(n[1]) + 1 : this.nextTicket + 1);
		if (this.store.has(id)) throw new HttpError(409, `Ticket ${id} exists.`);
		const now = new Date().toISOString();
		const ticket: Ticket = {
			id,
			title: seed.title,
			description: seed.description ?? '',
			state: seed.state ?? DEFAULT_STATE,
			priority: seed.priority ?? 'Normal',
			requester: seed.requester ?? 'Requester',
			url: `${this.url}/tickets/${encodeURIComponent(id)}`,
			notes: (seed.notes ?? []).map((n) => ({ id: this.nextNote++, author: n.author, text: n.text, ...(n.internal ? { internal: true } : {}), createdAt: now })),
			attachments: (seed.attachments ?? []).map((a) => {
				const bytes = Buffer.isBuffer(a.bytes) ? a.bytes : Buffer.from(a.bytes);
				return { id: this.nextAttachment++, fileName: a.fileName, contentType: a.contentType ?? 'application/octet-stream', size: bytes.length, bytes, author: a.author ?? seed.requester ?? 'Requester', createdAt: now };
			}),
		};
		this.store.set(id, ticket);
		return ticket;
	}

	tickets(): Ticket[] {
		return [...this.store.values()];
	}

	ticket(id: string): Ticket | undefined {
		return this.store.get(id);
	}

	private mustGet(id: string): Ticket {
		const t = this.store.get(id);
		if (!t) throw new HttpError(404, `No ticket ${id}.`);
		return t;
	}

	createTicket(seed: TicketSeed): Ticket {
		if (typeof seed.title !== 'string' || seed.title.trim() === '') throw new HttpError(400, 'title is required.');
		const ticket = this.insert({ ...seed, id: undefined, notes: [], attachments: [] });
		// A ticket opened straight into a state other than the first counts as a state change.
		if (ticket.state !== DEFAULT_STATE) this.emit('ticket.stateChanged', ticket, { previousState: null });
		return ticket;
	}

	updateTicket(id: string, patch: { state?: string; title?: string; description?: string; priority?: string }): Ticket {
		const t = this.mustGet(id);
		for (const key of ['title', 'description', 'priority'] as const) {
			if (typeof patch[key] === 'string') t[key] = patch[key] as string;
		}
		if (typeof patch.state === 'string' && patch.state.trim() !== '' && patch.state !== t.state) {
			const previousState = t.state;
			t.state = patch.state;
			this.emit('ticket.stateChanged', t, { previousState });
		}
		return t;
	}

	addNote(id: string, note: { author?: unknown; text?: unknown; internal?: unknown }): Note {
		const t = this.mustGet(id);
		if (typeof note.text !== 'string' || note.text.trim() === '') throw new HttpError(400, 'text is required.');
		if (typeof note.author !== 'string' || note.author.trim() === '') throw new HttpError(400, 'author is required.');
		const added: Note = { id: this.nextNote++, author: note.author, text: note.text, ...(note.internal === true ? { internal: true } : {}), createdAt: new Date().toISOString() };
		t.notes.push(added);
		this.emit('ticket.noteAdded', t, { note: added });
		return added;
	}

	addAttachment(id: string, file: { fileName: string; contentType?: string; bytes: Buffer; author?: string }): Attachment {
		const t = this.mustGet(id);
		if (!file.fileName || /[\\/]/.test(file.fileName)) throw new HttpError(400, 'fileName is required and may not contain a path.');
		const added: Attachment = {
			id: this.nextAttachment++,
			fileName: file.fileName,
			contentType: file.contentType || 'application/octet-stream',
			size: file.bytes.length,
			bytes: Buffer.from(file.bytes),
			author: file.author || 'API',
			createdAt: new Date().toISOString(),
		};
		t.attachments.push(added);
		this.emit('ticket.attachmentAdded', t, { attachment: this.attachmentView(t, added) });
		return added;
	}

	// ------------------------------------------------------------------ views

	private attachmentView(t: Ticket, a: Attachment): Record<string, unknown> {
		return {
			id: a.id,
			fileName: a.fileName,
			contentType: a.contentType,
			size: a.size,
			author: a.author,
			createdAt: a.createdAt,
			contentUrl: `${this.url}/api/tickets/${encodeURIComponent(t.id)}/attachments/${a.id}/content`,
		};
	}

	/** A ticket as the REST API answers it: everything but the attachments' bytes. */
	view(t: Ticket): Record<string, unknown> {
		return { ...t, notes: t.notes.map((n) => ({ ...n })), attachments: t.attachments.map((a) => this.attachmentView(t, a)) };
	}

	/** The latest note a requester or agent wrote for everyone (internal notes left out); else the description. */
	static latestImportantMessage(t: Ticket): string {
		const visible = t.notes.filter((n) => !n.internal);
		return visible.length ? visible[visible.length - 1].text : t.description;
	}

	/** The ticket in an event: flat fields named like the Connector Settings' variables, plus the lists. */
	eventTicket(t: Ticket): Record<string, unknown> {
		return {
			TicketID: t.id,
			TicketTitle: t.title,
			TicketDescription: t.description,
			TicketUrl: t.url,
			LatestImportantMessage: ServiceDesk.latestImportantMessage(t),
			TicketRequesterName: t.requester,
			state: t.state,
			priority: t.priority,
			attachments: t.attachments.map((a) => this.attachmentView(t, a)),
		};
	}

	// ------------------------------------------------------------------ webhook out

	setWebhooks(urls: string[]): void {
		for (const u of urls) {
			const h = new URL(u).hostname;
			if (h !== '127.0.0.1' && h !== 'localhost') throw new HttpError(400, `Webhook ${u}: loopback only.`);
		}
		this.hooks = [...urls];
	}

	webhooks(): string[] {
		return [...this.hooks];
	}

	deliveries(): WebhookDelivery[] {
		return this.delivered.map((d) => ({ ...d }));
	}

	/** Resolves once every event so far has been delivered (or failed). */
	async flush(): Promise<void> {
		let last: Promise<void> | undefined;
		while (last !== this.queue) {
			last = this.queue;
			await last;
		}
	}

	private emit(event: EventName, t: Ticket, extra: Record<string, unknown>): void {
		const payload = { event, id: crypto.randomUUID(), occurredAt: new Date().toISOString(), ticket: this.eventTicket(t), ...extra };
		// one queue for all events: a receiver sees them in the order they happened, one at a time
		for (const url of this.hooks) {
			const record: WebhookDelivery = { id: payload.id, event, ticketId: t.id, url, payload, status: null, error: null, at: payload.occurredAt };
			this.delivered.push(record);
			this.queue = this.queue.then(() => post(url, payload)).then(
				(status) => {
					record.status = status;
				},
				(e: unknown) => {
					record.error = e instanceof Error ? e.message : String(e);
				},
			);
		}
	}

	// ------------------------------------------------------------------ HTTP

	requests(): RecordedRequest[] {
		return this.log.map((r) => ({ ...r }));
	}

	private async handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
		const url = new URL(req.url ?? '/', this.url);
		const path = url.pathname;
		try {
			const body = await readBody(req);
			if (path.startsWith('/_servicedesk/')) return send(res, ...this.control(req.method ?? 'GET', path, body));
			if (path.startsWith('/tickets/') && req.method === 'GET') return sendHtml(res, this.page(decodeURIComponent(path.slice('/tickets/'.length))));
			if (!path.startsWith('/api/')) throw new HttpError(404, `No route ${req.method} ${path}.`);
			const given = String(req.headers[API_KEY_HEADER] ?? '');
			const authorized = given.length === this.apiKey.length && crypto.timingSafeEqual(Buffer.from(given), Buffer.from(this.apiKey));
			this.log.push({ method: req.method ?? 'GET', path, authorized, userAgent: typeof req.headers['user-agent'] === 'string' ? req.headers['user-agent'] : null });
			if (!authorized) throw new HttpError(401, `Missing or wrong API key (header ${API_KEY_HEADER}).`);
			const parts = path.split('/').filter(Boolean).slice(1).map(decodeURIComponent); // after "api"
			if (parts[0] !== 'tickets') throw new HttpError(404, `No route ${req.method} ${path}.`);
			const method = req.method ?? 'GET';
			if (parts.length === 1) {
				if (method === 'GET') return send(res, 200, this.tickets().map((t) => this.view(t)));
				if (method === 'POST') return send(res, 201, this.view(this.createTicket(json(body, req) as unknown as TicketSeed)));
			}
			const id = parts[1];
			if (parts.length === 2) {
				if (method === 'GET') return send(res, 200, this.view(this.mustGet(id)));
				if (method === 'PATCH') return send(res, 200, this.view(this.updateTicket(id, json(body, req))));
			}
			if (parts.length === 3 && parts[2] === 'notes' && method === 'POST') return send(res, 201, this.addNote(id, json(body, req)));
			if (parts.length === 3 && parts[2] === 'attachments' && method === 'POST') {
				const added = this.addAttachment(id, fileFrom(req, url, body));
				return send(res, 201, this.attachmentView(this.mustGet(id), added));
			}
			if (parts.length === 5 && parts[2] === 'attachments' && parts[4] === 'content' && method === 'GET') {
				const a = this.mustGet(id).attachments.find((x) => String(x.id) === parts[3]);
				if (!a) throw new HttpError(404, `Ticket ${id} has no attachment ${parts[3]}.`);
				res.writeHead(200, {
					'content-type': a.contentType,
					'content-length': a.bytes.length,
					'content-disposition': `attachment; filename="${a.fileName.replace(/["\\\r\n]/g, '_')}"; filename*=UTF-8''${encodeURIComponent(a.fileName)}`,
				});
				res.end(a.bytes);
				return;
			}
			throw new HttpError(method === 'GET' || method === 'POST' || method === 'PATCH' ? 404 : 405, `No route ${method} ${path}.`);
		} catch (e) {
			if (e instanceof HttpError) return send(res, e.status, { message: e.message });
			return send(res, 500, { message: e instanceof Error ? e.message : String(e) });
		}
	}

	/** Test and demo controls, never part of a service desk's API: no key. */
	private control(method: string, path: string, body: Buffer): [number, unknown] {
		const what = path.slice('/_servicedesk/'.length);
		if (what === 'health' && method === 'GET') return [200, { ok: true, url: this.url, tickets: this.store.size, webhooks: this.hooks }];
		if (what === 'tickets' && method === 'GET') return [200, this.tickets().map((t) => this.view(t))];
		if (what === 'tickets' && method === 'POST') {
			// reset, then seed: { "tickets": [...] } (attachments' bytes as base64 in "contentBase64"), or the sample ticket
			type SeedFile = { fileName: string; contentType?: string; author?: string; contentBase64?: string };
			const b = body.length ? (JSON.parse(body.toString('utf8')) as { tickets?: Array<Omit<TicketSeed, 'attachments'> & { attachments?: SeedFile[] }> }) : {};
			const given = b.tickets ?? SAMPLE_TICKETS.map((t) => ({ ...t, attachments: undefined }));
			const seeds: TicketSeed[] = given.map((t) => ({
				...t,
				attachments: (t.attachments ?? []).map((a) => ({ fileName: a.fileName, contentType: a.contentType, author: a.author, bytes: Buffer.from(a.contentBase64 ?? '', 'base64') })),
			}));
			return [200, this.seed(seeds).map((t) => this.view(t))];
		}
		if (what === 'deliveries' && method === 'GET') return [200, this.deliveries()];
		if (what === 'webhooks' && method === 'PUT') {
			const b = JSON.parse(body.toString('utf8') || '{}') as { urls?: string[] };
			this.setWebhooks(b.urls ?? []);
			return [200, { webhooks: this.hooks }];
		}
		return [404, { message: `Unknown control endpoint ${method} ${path}` }];
	}

	private page(id: string): string {
		const t = this.mustGet(id);
		const esc = (s: string): string => s.replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c] as string);
		const notes = t.notes.map((n) => `<li><b>${esc(n.author)}</b>${n.internal ? ' (internal)' : ''}: ${esc(n.text)}</li>`).join('');
		const files = t.attachments.map((a) => `<li>${esc(a.fileName)} (${a.size} bytes, ${esc(a.author)})</li>`).join('');
		return `<!doctype html><title>${esc(t.id)}</title><h1>${esc(t.id)}: ${esc(t.title)}</h1><p>State: <b>${esc(t.state)}</b> · Priority ${esc(t.priority)} · Requester ${esc(t.requester)}</p><p>${esc(t.description)}</p><h2>Notes</h2><ul>${notes}</ul><h2>Attachments</h2><ul>${files}</ul>`;
	}
}

function readBody(req: http.IncomingMessage): Promise<Buffer> {
	return new Promise((resolve, reject) => {
		const chunks: Buffer[] = [];
		let size = 0;
		req.on('data', (c: Buffer) => {
			size += c.length;
			if (size > MAX_BODY) {
				reject(new HttpError(413, 'Body too large.'));
				req.destroy();
				return;
			}
			chunks.push(c);
		});
		req.on('end', () => resolve(Buffer.concat(chunks)));
		req.on('error', reject);
	});
}

function isJson(req: http.IncomingMessage): boolean {
	return /^application\/(.+\+)?json/i.test(String(req.headers['content-type'] ?? ''));
}

function json(body: Buffer, req: http.IncomingMessage): Record<string, unknown> {
	if (!isJson(req)) throw new HttpError(415, 'Send JSON (Content-Type: application/json).');
	try {
		const parsed: unknown = JSON.parse(body.toString('utf8'));
		if (parsed && typeof parsed === 'object' && !Array.isArray(parsed)) return parsed as Record<string, unknown>;
	} catch {
		// answered below
	}
	throw new HttpError(400, 'The body is not a JSON object.');
}

/** An attachment upload: JSON { fileName, contentType, contentBase64, author }, or the raw bytes with ?fileName=&author=. */
function fileFrom(req: http.IncomingMessage, url: URL, body: Buffer): { fileName: string; contentType?: string; bytes: Buffer; author?: string } {
	if (isJson(req)) {
		const b = json(body, req);
		if (typeof b.contentBase64 !== 'string') throw new HttpError(400, 'contentBase64 is required in a JSON upload.');
		return { fileName: String(b.fileName ?? ''), contentType: typeof b.contentType === 'string' ? b.contentType : undefined, bytes: Buffer.from(b.contentBase64, 'base64'), author: typeof b.author === 'string' ? b.author : undefined };
	}
	const header = (name: string): string | undefined => {
		const v = req.headers[name];
		return typeof v === 'string' && v !== '' ? decodeURIComponent(v) : undefined;
	};
	return {
		fileName: url.searchParams.get('fileName') ?? header('x-file-name') ?? '',
		contentType: String(req.headers['content-type'] ?? '') || undefined,
		bytes: body,
		author: url.searchParams.get('author') ?? header('x-author'),
	};
}

function send(res: http.ServerResponse, status: number, body: unknown): void {
	const text = JSON.stringify(body);
	res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(text) });
	res.end(text);
}

function sendHtml(res: http.ServerResponse, html: string): void {
	res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'content-length': Buffer.byteLength(html) });
	res.end(html);
}

function post(url: string, payload: unknown): Promise<number> {
	const data = Buffer.from(JSON.stringify(payload));
	return new Promise((resolve, reject) => {
		const req = http.request(url, { method: 'POST', agent: false, headers: { 'content-type': 'application/json', 'content-length': data.length, 'user-agent': 'servicedesk-stand-in' } }, (res) => {
			res.resume();
			res.on('end', () => resolve(res.statusCode ?? 0));
		});
		req.setTimeout(30000, () => req.destroy(new Error(`timeout posting to ${url}`)));
		req.on('error', reject);
		req.end(data);
	});
}
