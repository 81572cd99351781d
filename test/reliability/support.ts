// Shared pieces of the reliability and security suite: the fixed seed, the canary secrets every file uses, a scanner
// that looks for them anywhere (outputs, errors, execution data, webhook answers, log lines), and the counts each file
// prints and writes to reports/reliability-<file>.counts.json at the end.
import * as fs from 'fs';
import * as http from 'http';
import * as path from 'path';

import { defaultSeed, startEmulator, type Emulator, type EmulatorOptions } from '../emulator';
import { captureLogs, type LogCapture, type LogLine } from '../support/n8n';

/** Heavier variants (100,000 deliveries, 10,000 items) run only with RELIABILITY_HEAVY=1. */
export const HEAVY = process.env.RELIABILITY_HEAVY === '1';

/** One seed for every random choice of the suite; RELIABILITY_SEED replays another run. */
export const SEED = Number.parseInt(process.env.RELIABILITY_SEED ?? '', 10) || 20_240_508;

/**
 * Canary Personal Access Tokens. Every organization the suite talks to authenticates with one of these, so a token
 * that slips into an output, an error, execution data or a log line is found by the scanner below.
 */
export const CANARY_PAT = 'rlbcanary7pat4f3e9d1c0b2a4e6f8d1c3b5a7e9f0d2c4b6a';
export const CANARY_PAT_CONTOSO = 'rlbcanary7pat8c2d4e6f0a1b3c5d7e9f1a3b5c7d9e0f2a4b';
export const CANARY_PAT_SERVER = 'rlbcanary7pat1e3d5c7b9a0f2e4d6c8b0a1f3e5d7c9b2a4f';
/** The service hook secrets (inbound): they must not show up in an answer, an item or a log either. */
export const CANARY_HOOK_BASIC = 'rlbcanary7hook3b9f1e5d7c2a4b6e8d0f1a';
export const CANARY_HOOK_HEADER = 'Bearer rlbcanary7hdr6d2f8b0e4c1a3e5b7d9f';

export const ALL_CANARIES = [CANARY_PAT, CANARY_PAT_CONTOSO, CANARY_PAT_SERVER, CANARY_HOOK_BASIC, CANARY_HOOK_HEADER];

/**
 * An emulator whose organizations accept only the canary tokens: fabrikam CANARY_PAT, contoso CANARY_PAT_CONTOSO, the
 * Azure DevOps Server collection DefaultCollection CANARY_PAT_SERVER.
 */
export async function canaryEmulator(options: EmulatorOptions = {}): Promise<Emulator> {
	const seed = defaultSeed();
	return await startEmulator({
		allowLocalhostConsumers: true,
		...options,
		organizations: {
			...seed,
			fabrikam: { ...seed.fabrikam, tokens: [CANARY_PAT] },
			contoso: { ...seed.contoso, tokens: [CANARY_PAT_CONTOSO] },
			DefaultCollection: { ...seed.DefaultCollection, tokens: [CANARY_PAT_SERVER] },
			...options.organizations,
		},
	});
}

/**
 * The forms a secret takes on its way out: as written, URL-encoded, and inside base64 (a Basic auth header, an
 * encoded blob) at any of the three byte alignments, so it is found wherever it starts in the encoded text.
 */
export function secretForms(secret: string): string[] {
	const forms = new Set<string>([secret, encodeURIComponent(secret)]);
	const bytes = Buffer.from(secret, 'utf8');
	for (let offset = 0; offset < 3; offset++) {
		const encoded = Buffer.concat([Buffer.alloc(offset, 0x20), bytes]).toString('base64');
		const start = Math.ceil(offset / 3) * 4;
		const end = Math.floor((offset + bytes.length) / 3) * 4;
		if (end - start >= 16) forms.add(encoded.slice(start, end));
	}
	return [...forms];
}

export interface Leak {
	where: string;
	path: string;
	form: string;
}

/**
 * Looks for secrets in anything: strings, buffers, arrays, objects, errors (with their non-enumerable message, stack,
 * description, context and cause), maps and sets. Walks without recursion, so a 20,000-level nesting is fine.
 */
export class LeakScanner {
	readonly leaks: Leak[] = [];
	/** Strings looked at, so a scan that saw nothing cannot pass for a clean one. */
	stringsScanned = 0;
	private readonly forms: string[];

	constructor(secrets: readonly string[] = ALL_CANARIES) {
		this.forms = secrets.flatMap(secretForms);
	}

	/** Scans a value; returns how many leaks it found in it. */
	scan(where: string, value: unknown): number {
		const before = this.leaks.length;
		const seen = new WeakSet<object>();
		const stack: Array<{ value: unknown; path: string }> = [{ value, path: '$' }];
		while (stack.length > 0) {
			const { value: current, path: at } = stack.pop()!;
			if (typeof current === 'string') {
				this.check(where, at, current);
				continue;
			}
			if (current === null || typeof current !== 'object') continue;
			if (seen.has(current)) continue;
			seen.add(current);
			if (Buffer.isBuffer(current) || current instanceof Uint8Array) {
				this.check(where, at, Buffer.from(current).toString('latin1'));
				continue;
			}
			if (current instanceof Map) {
				for (const [key, entry] of current) stack.push({ value: key, path: `${at}<key>` }, { value: entry, path: `${at}<${String(key)}>` });
				continue;
			}
			if (current instanceof Set) {
				for (const entry of current) stack.push({ value: entry, path: `${at}<entry>` });
				continue;
			}
			const keys = current instanceof Error ? Object.getOwnPropertyNames(current) : Object.keys(current);
			if (current instanceof Error) for (const key of ['message', 'stack', 'description', 'cause']) if (!keys.includes(key)) keys.push(key);
			for (const key of keys) {
				this.check(where, `${at}.<key>`, key);
				let entry: unknown;
				try {
					entry = (current as Record<string, unknown>)[key];
				} catch {
					continue;
				}
				stack.push({ value: entry, path: `${at}.${key}` });
			}
		}
		return this.leaks.length - before;
	}

	/** Scans captured log lines (message and metadata). */
	scanLogs(where: string, lines: readonly LogLine[]): number {
		return this.scan(where, lines);
	}

	private check(where: string, at: string, text: string): void {
		this.stringsScanned++;
		for (const form of this.forms) {
			if (text.includes(form)) this.leaks.push({ where, path: at, form: `${form.slice(0, 6)}…` });
		}
	}
}

/** The counts a file prints and writes at the end; the five named in issue 8 first. */
export class ReliabilityCounts {
	readonly values: Record<string, number> = {
		deliveriesTried: 0,
		faultsInjected: 0,
		duplicates: 0,
		losses: 0,
		leaks: 0,
	};
	private readonly started = Date.now();

	constructor(readonly file: string) {}

	add(name: string, amount = 1): void {
		this.values[name] = (this.values[name] ?? 0) + amount;
	}

	set(name: string, value: number): void {
		this.values[name] = value;
	}

	/**
	 * What is written: the counts under `counts`, never at the top level, so that the CI summary (which adds up every
	 * reports/*.json with a top-level numPassedTests) never takes it for a jest report.
	 */
	document(): Record<string, unknown> {
		return {
			kind: 'azdc-reliability-counts',
			file: this.file,
			seed: SEED,
			heavy: HEAVY,
			durationMs: Date.now() - this.started,
			counts: this.values,
		};
	}

	/** Prints the counts and writes them as reports/reliability-<file>.counts.json. */
	report(): string {
		const reportsDir = path.join(__dirname, '..', '..', 'reports');
		fs.mkdirSync(reportsDir, { recursive: true });
		const target = path.join(reportsDir, `reliability-${this.file}.counts.json`);
		fs.writeFileSync(target, `${JSON.stringify(this.document(), null, 2)}\n`);
		const line = Object.entries(this.values)
			.map(([name, value]) => `${name} ${value}`)
			.join(', ');
		console.log(`reliability ${this.file} (seed ${SEED}${HEAVY ? ', heavy' : ''}): ${line}`);
		return target;
	}
}

/** fast-check parameters with the suite's seed (printed by fast-check on failure, and by the counts). */
export function fcOptions(numRuns: number): { seed: number; numRuns: number; endOnFailure: boolean } {
	return { seed: SEED, numRuns, endOnFailure: true };
}

/** Fisher-Yates with a seeded generator. */
export function shuffled<T>(items: readonly T[], random: () => number): T[] {
	const copy = items.slice();
	for (let i = copy.length - 1; i > 0; i--) {
		const j = Math.floor(random() * (i + 1));
		[copy[i], copy[j]] = [copy[j], copy[i]];
	}
	return copy;
}

/** Creates a Web Hooks subscription in fabrikam's "Service Desk" as an admin would by hand (with the canary PAT). */
export async function subscribeByHand(
	emu: Emulator,
	url: string,
	consumerInputs: Record<string, string>,
	publisherInputs: Record<string, string> = {},
	eventType = 'workitem.updated',
): Promise<string> {
	const project = emu.projects('fabrikam').find((p) => p.name === 'Service Desk')!;
	const body = JSON.stringify({
		publisherId: 'tfs',
		eventType,
		resourceVersion: '1.0',
		consumerId: 'webHooks',
		consumerActionId: 'httpRequest',
		publisherInputs: { projectId: project.id, ...publisherInputs },
		consumerInputs: { url, resourceDetailsToSend: 'all', messagesToSend: 'none', detailedMessagesToSend: 'none', ...consumerInputs },
	});
	// A connection of its own (agent: false): a kept-alive one that the emulator closes meanwhile would fail the POST.
	const answer = await new Promise<{ status: number; text: string }>((resolve, reject) => {
		const request = http.request(
			`${emu.orgUrl('fabrikam')}/_apis/hooks/subscriptions?api-version=7.1`,
			{
				method: 'POST',
				agent: false,
				headers: {
					'content-type': 'application/json',
					'content-length': Buffer.byteLength(body),
					authorization: `Basic ${Buffer.from(`:${CANARY_PAT}`).toString('base64')}`,
				},
			},
			(response) => {
				const chunks: Buffer[] = [];
				response.on('data', (chunk: Buffer) => chunks.push(chunk));
				response.on('end', () => resolve({ status: response.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8') }));
				response.on('error', reject);
			},
		);
		request.on('error', reject);
		request.end(body);
	});
	if (answer.status !== 200) throw new Error(`subscription not created: ${answer.status} ${answer.text}`);
	return (JSON.parse(answer.text) as { id: string }).id;
}

/**
 * The set-up suites share: n8n's log lines captured, a canary emulator started before the tests and stopped after
 * them, and the counts reported with the leaks the scanner found. `suite.emu` and `suite.logs` are there once the
 * suite's beforeAll has run.
 */
export function canarySuite(name: string): { counts: ReliabilityCounts; scanner: LeakScanner; readonly emu: Emulator; readonly logs: LogCapture } {
	const counts = new ReliabilityCounts(name);
	const scanner = new LeakScanner();
	let emu: Emulator | undefined;
	let logs: LogCapture | undefined;
	beforeAll(async () => {
		logs = captureLogs();
		emu = await canaryEmulator({ seed: SEED });
	});
	afterAll(async () => {
		logs?.restore();
		await emu?.stop();
		counts.set('leaks', scanner.leaks.length);
		counts.report();
	});
	return {
		counts,
		scanner,
		get emu(): Emulator {
			if (!emu) throw new Error('the canary emulator starts in beforeAll');
			return emu;
		},
		get logs(): LogCapture {
			if (!logs) throw new Error('logs are captured from beforeAll on');
			return logs;
		},
	};
}
