// Service-hook subscriptions and deliveries in the shape Azure DevOps sends them
// (see ../shared/azure-devops/service-hook-samples and its README).
import * as http from 'http';
import { randomUUID } from 'crypto';

export const WORK_ITEM_EVENTS = [
	'workitem.created',
	'workitem.updated',
	'workitem.commented',
	'workitem.deleted',
	'workitem.restored',
] as const;
export type WorkItemEvent = (typeof WORK_ITEM_EVENTS)[number];

export interface Subscription {
	id: string;
	organization: string;
	publisherId: string;
	eventType: string;
	resourceVersion: string;
	consumerId: string;
	consumerActionId: string;
	publisherInputs: Record<string, string>;
	consumerInputs: Record<string, string>;
	status: 'enabled' | 'disabledByUser';
	createdBy: { id: string; displayName: string; uniqueName: string };
	createdDate: string;
	modifiedDate: string;
}

/** What a work item event says, before it is shaped for one subscription. */
export interface WorkItemEventData {
	eventType: WorkItemEvent;
	organization: string;
	projectId: string;
	projectName: string;
	workItemType: string;
	areaPath: string;
	/** Field reference names that changed in this revision (updated / commented). */
	changedFields: string[];
	/** Builds the payload for a subscription's detail settings. */
	build: (opts: { details: 'all' | 'minimal' | 'none'; messages: string; detailedMessages: string }) => Record<string, unknown>;
}

export interface DeliveryAttempt {
	at: string;
	status?: number;
	responseBody?: string;
	error?: string;
}

export interface Delivery {
	notificationId: number;
	subscriptionId: string;
	eventType: string;
	url: string;
	/** Headers sent, including the subscription's Authorization / custom headers. */
	headers: Record<string, string>;
	payload: Record<string, unknown>;
	attempts: DeliveryAttempt[];
	/** The receiver's last answer. */
	status?: number;
	responseBody?: string;
	error?: string;
	state: 'queued' | 'held' | 'sending' | 'done';
	redelivery: boolean;
}

export interface HookOptions {
	/** Extra attempts after a 5xx or a timeout (0 = deliver once, the default). */
	retries?: number;
	retryDelayMs?: number;
	timeoutMs?: number;
}

function secretsMasked(inputs: Record<string, string>): Record<string, string> {
	const out = { ...inputs };
	// The service never echoes confidential consumer inputs back.
	for (const key of ['basicAuthPassword', 'httpHeaders']) if (out[key]) out[key] = '********';
	return out;
}

export function subscriptionView(sub: Subscription, orgUrl: string): Record<string, unknown> {
	return {
		id: sub.id,
		url: `${orgUrl}/_apis/hooks/subscriptions/${sub.id}`,
		status: sub.status,
		publisherId: sub.publisherId,
		eventType: sub.eventType,
		subscriber: null,
		resourceVersion: sub.resourceVersion,
		eventDescription: describeFilters(sub),
		consumerId: sub.consumerId,
		consumerActionId: sub.consumerActionId,
		actionDescription: `To host ${safeHost(sub.consumerInputs.url)}`,
		probationRetries: 0,
		createdBy: sub.createdBy,
		createdDate: sub.createdDate,
		modifiedBy: sub.createdBy,
		modifiedDate: sub.modifiedDate,
		publisherInputs: { ...sub.publisherInputs },
		consumerInputs: secretsMasked(sub.consumerInputs),
		_links: {
			self: { href: `${orgUrl}/_apis/hooks/subscriptions/${sub.id}` },
			consumer: { href: `${orgUrl}/_apis/hooks/consumers/${sub.consumerId}` },
			actions: { href: `${orgUrl}/_apis/hooks/consumers/${sub.consumerId}/actions` },
			notifications: { href: `${orgUrl}/_apis/hooks/subscriptions/${sub.id}/notifications` },
			publisher: { href: `${orgUrl}/_apis/hooks/publishers/${sub.publisherId}` },
		},
	};
}

function safeHost(url: string | undefined): string {
	try {
		return new URL(url ?? '').host;
	} catch {
		return '';
	}
}

function describeFilters(sub: Subscription): string {
	const parts: string[] = [];
	if (sub.publisherInputs.workItemType) parts.push(`Work item type ${sub.publisherInputs.workItemType}`);
	if (sub.publisherInputs.areaPath) parts.push(`area path under ${sub.publisherInputs.areaPath}`);
	if (sub.publisherInputs.changedFields) parts.push(`fields ${sub.publisherInputs.changedFields}`);
	return parts.join(', ') || 'Any work item';
}

/** Whether a subscription's publisher filters let an event through. */
export function subscriptionMatches(sub: Subscription, ev: WorkItemEventData): boolean {
	if (sub.status !== 'enabled') return false;
	if (sub.organization !== ev.organization) return false;
	if (sub.eventType !== ev.eventType) return false;
	const pi = sub.publisherInputs;
	if (pi.projectId && pi.projectId.toLowerCase() !== ev.projectId.toLowerCase()) return false;
	if (pi.workItemType && pi.workItemType.toLowerCase() !== ev.workItemType.toLowerCase()) return false;
	if (pi.areaPath) {
		const want = pi.areaPath.toLowerCase().replace(/\\+$/, '');
		const have = ev.areaPath.toLowerCase();
		if (have !== want && !have.startsWith(`${want}\\`)) return false;
	}
	if (pi.changedFields && ev.eventType === 'workitem.updated') {
		const wanted = pi.changedFields
			.split(',')
			.map((f) => f.trim().toLowerCase())
			.filter(Boolean);
		if (wanted.length && !ev.changedFields.some((f) => wanted.includes(f.toLowerCase()))) return false;
	}
	return true;
}

/** Parses the webHooks consumer's "Name:value" lines. */
export function parseHttpHeaders(text: string | undefined): Record<string, string> {
	const headers: Record<string, string> = {};
	for (const line of (text ?? '').split(/\r?\n/)) {
		const idx = line.indexOf(':');
		if (idx <= 0) continue;
		headers[line.slice(0, idx).trim()] = line.slice(idx + 1).trim();
	}
	return headers;
}

export class HookDispatcher {
	private nextNotificationId = 1;
	private readonly all: Delivery[] = [];
	private readonly inFlight = new Set<Promise<void>>();
	private holding = false;
	private readonly heldQueue: Delivery[] = [];
	private options: Required<HookOptions>;

	constructor(options: HookOptions = {}) {
		this.options = { retries: 0, retryDelayMs: 50, timeoutMs: 5000, ...options };
	}

	configure(options: HookOptions): void {
		this.options = { ...this.options, ...options };
	}

	reset(): void {
		this.all.length = 0;
		this.heldQueue.length = 0;
		this.holding = false;
		this.nextNotificationId = 1;
	}

	deliveries(): Delivery[] {
		return [...this.all];
	}

	/** Queues one delivery per matching subscription, asynchronously like the service. */
	publish(ev: WorkItemEventData, subscriptions: Subscription[], baseHeaders: Record<string, string> = {}): Delivery[] {
		const out: Delivery[] = [];
		for (const sub of subscriptions) {
			if (!subscriptionMatches(sub, ev)) continue;
			const ci = sub.consumerInputs;
			const details = (ci.resourceDetailsToSend ?? 'all').toLowerCase() as 'all' | 'minimal' | 'none';
			const payload = ev.build({
				details,
				messages: (ci.messagesToSend ?? 'all').toLowerCase(),
				detailedMessages: (ci.detailedMessagesToSend ?? 'all').toLowerCase(),
			});
			const notificationId = this.nextNotificationId++;
			payload.subscriptionId = sub.id;
			payload.notificationId = notificationId;
			const headers: Record<string, string> = { 'Content-Type': 'application/json; charset=utf-8', ...baseHeaders };
			if (ci.basicAuthUsername || ci.basicAuthPassword) {
				const pair = `${ci.basicAuthUsername ?? ''}:${ci.basicAuthPassword ?? ''}`;
				headers.Authorization = `Basic ${Buffer.from(pair).toString('base64')}`;
			}
			Object.assign(headers, parseHttpHeaders(ci.httpHeaders));
			const delivery: Delivery = {
				notificationId,
				subscriptionId: sub.id,
				eventType: ev.eventType,
				url: ci.url,
				headers,
				payload,
				attempts: [],
				state: 'queued',
				redelivery: false,
			};
			this.all.push(delivery);
			this.enqueue(delivery);
			out.push(delivery);
		}
		return out;
	}

	/** Sends a past delivery again with the same notificationId, as the service's retries do. */
	redeliver(notificationId: number): Delivery {
		const original = this.all.find((d) => d.notificationId === notificationId && !d.redelivery);
		if (!original) throw new Error(`No delivery with notificationId ${notificationId}`);
		const copy: Delivery = {
			...original,
			headers: { ...original.headers },
			payload: structuredClone(original.payload),
			attempts: [],
			status: undefined,
			responseBody: undefined,
			error: undefined,
			state: 'queued',
			redelivery: true,
		};
		this.all.push(copy);
		this.enqueue(copy);
		return copy;
	}

	hold(): void {
		this.holding = true;
	}

	/** Sends what was held, in the order asked for, one after another so the order is observable. */
	async release(opts: { order?: 'fifo' | 'reverse' } = {}): Promise<void> {
		this.holding = false;
		const batch = this.heldQueue.splice(0);
		if (opts.order === 'reverse') batch.reverse();
		for (const d of batch) await this.track(this.send(d));
	}

	/** Resolves when every delivery that is not held has been answered (or has failed). */
	async flush(): Promise<void> {
		while (this.inFlight.size) await Promise.allSettled([...this.inFlight]);
	}

	private enqueue(d: Delivery): void {
		if (this.holding) {
			d.state = 'held';
			this.heldQueue.push(d);
			return;
		}
		// setImmediate keeps delivery out of the API request that caused it, as the service does.
		void this.track(new Promise<void>((resolve) => setImmediate(() => this.send(d).then(resolve, resolve))));
	}

	private track(p: Promise<void>): Promise<void> {
		this.inFlight.add(p);
		return p.finally(() => this.inFlight.delete(p));
	}

	private async send(d: Delivery): Promise<void> {
		d.state = 'sending';
		const body = JSON.stringify(d.payload);
		for (let attempt = 0; attempt <= this.options.retries; attempt++) {
			const result = await this.post(d.url, d.headers, body);
			d.attempts.push({ at: new Date().toISOString(), ...result });
			d.status = result.status;
			d.responseBody = result.responseBody;
			d.error = result.error;
			const retryable = result.error !== undefined || (result.status !== undefined && result.status >= 500);
			if (!retryable || attempt === this.options.retries) break;
			await new Promise((r) => setTimeout(r, this.options.retryDelayMs));
		}
		d.state = 'done';
	}

	private post(
		url: string,
		headers: Record<string, string>,
		body: string,
	): Promise<{ status?: number; responseBody?: string; error?: string }> {
		return new Promise((resolve) => {
			let target: URL;
			try {
				target = new URL(url);
			} catch {
				resolve({ error: `invalid URL ${url}` });
				return;
			}
			const req = http.request(
				target,
				{
					method: 'POST',
					headers: { ...headers, 'Content-Length': Buffer.byteLength(body) },
					timeout: this.options.timeoutMs,
				},
				(res) => {
					const chunks: Buffer[] = [];
					res.on('data', (c: Buffer) => chunks.push(c));
					res.on('end', () => resolve({ status: res.statusCode, responseBody: Buffer.concat(chunks).toString('utf8') }));
					res.on('error', (e) => resolve({ status: res.statusCode, error: e.message }));
				},
			);
			req.on('timeout', () => req.destroy(new Error('timeout')));
			req.on('error', (e) => resolve({ error: e.message }));
			req.end(body);
		});
	}
}

export function newSubscriptionId(): string {
	return randomUUID();
}
