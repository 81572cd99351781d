// Issue 8, item 1. A flood of bad deliveries: 10,000 service-hook deliveries made from Microsoft's five official
// samples by mutation (types swapped, fields removed, odd ids, deep nesting, unicode and control characters, 5 MB
// bodies, wrong content types, empty bodies, arrays at the top, cut-off and non-UTF-8 bodies), sent to the trigger's
// webhook. Nothing may throw or answer 5xx; every answer is a 2xx or a 4xx with a code; every valid delivery still
// starts exactly one execution, with its own work item and notification id. 100,000 with RELIABILITY_HEAVY=1.
import fc from 'fast-check';
import type { IDataObject } from 'n8n-workflow';

import type { Emulator } from '../emulator';
import { captureLogs, type LogCapture, type WebhookResult } from '../support/n8n';
import { TRIGGER, basicAuth, sample, triggerRig, type TriggerRig } from '../nodes/trigger.support';
import {
	CANARY_HOOK_BASIC,
	CANARY_PAT,
	HEAVY,
	LeakScanner,
	ReliabilityCounts,
	SEED,
	canaryEmulator,
	fcOptions,
} from './support';

const EVENTS = ['workitem.created', 'workitem.updated', 'workitem.commented', 'workitem.deleted', 'workitem.restored'] as const;
type EventType = (typeof EVENTS)[number];

const DELIVERIES = HEAVY ? 100_000 : 10_000;
/** One delivery in this many goes to a trigger that reads the work item from Azure DevOps (with the canary PAT). */
const FETCHING_SHARE = 10;
const HOOK_USER = 'azure-devops';
const AUTH = { authorization: basicAuth(HOOK_USER, CANARY_HOOK_BASIC) };
const FIVE_MB = 5 * 1024 * 1024;

type Json = Record<string, unknown>;

/** A delivery as it goes over the wire: a JSON object (sent as JSON), or exact text or bytes, and its headers. */
interface Wire {
	body: unknown;
	headers?: Record<string, string>;
}

/** What a mutation promises: still a valid delivery, certainly not one, or anything (the trigger decides). */
type Expectation = 'valid' | 'refused' | 'any';

interface Mutation {
	label: string;
	expect: Expectation;
	apply: (base: Json, event: EventType) => Wire;
}

const counts = new ReliabilityCounts('fuzzed-deliveries');
const scanner = new LeakScanner();
let emu: Emulator;
let rig: TriggerRig;
let fetchingRig: TriggerRig;
let logs: LogCapture;
let delivered = 0;
const uncaught: unknown[] = [];
const onUncaught = (error: unknown) => uncaught.push(error);

// ------------------------------------------------------------------------------------------- the samples

const SAMPLES: Record<EventType, Json> = Object.fromEntries(EVENTS.map((event) => [event, sample(event)])) as Record<
	EventType,
	Json
>;

/** Every path into a sample (objects and lists), for mutations that pick one. */
function pathsOf(value: unknown, prefix: Array<string | number> = [], out: Array<Array<string | number>> = []) {
	if (value && typeof value === 'object') {
		const entries = Array.isArray(value) ? value.map((v, i) => [i, v] as const) : Object.entries(value);
		for (const [key, child] of entries) {
			const path = [...prefix, key];
			out.push(path);
			pathsOf(child, path, out);
		}
	}
	return out;
}
const PATHS: Record<EventType, Array<Array<string | number>>> = Object.fromEntries(
	EVENTS.map((event) => [event, pathsOf(SAMPLES[event])]),
) as Record<EventType, Array<Array<string | number>>>;

function setAt(target: Json, path: ReadonlyArray<string | number>, value: unknown): void {
	let current: unknown = target;
	for (const key of path.slice(0, -1)) {
		if (!current || typeof current !== 'object') return;
		current = (current as Record<string | number, unknown>)[key];
	}
	if (current && typeof current === 'object') (current as Record<string | number, unknown>)[path[path.length - 1]] = value;
}

function removeAt(target: Json, path: ReadonlyArray<string | number>): void {
	let current: unknown = target;
	for (const key of path.slice(0, -1)) {
		if (!current || typeof current !== 'object') return;
		current = (current as Record<string | number, unknown>)[key];
	}
	if (Array.isArray(current)) current.splice(Number(path[path.length - 1]), 1);
	else if (current && typeof current === 'object') delete (current as Record<string | number, unknown>)[path[path.length - 1]];
}

/** The current fields of a sample (updates keep them in resource.revision.fields). */
function currentFields(base: Json, event: EventType): Json {
	const resource = base.resource as Json;
	return (event === 'workitem.updated' ? (resource.revision as Json).fields : resource.fields) as Json;
}

/** A fresh copy of a sample with its own work item id and notification id, so a valid one is never a repeat. */
function identified(event: EventType, workItemId: number, notificationId: number): Json {
	const base = structuredClone(SAMPLES[event]);
	const resource = base.resource as Json;
	if (event === 'workitem.updated') {
		resource.workItemId = workItemId;
		(resource.revision as Json).id = workItemId;
	} else {
		resource.id = workItemId;
	}
	base.notificationId = notificationId;
	base.subscriptionId = '8c4d2e1f-0a3b-4c5d-9e8f-7a6b5c4d3e2f';
	return base;
}

// ------------------------------------------------------------------------------------------- the mutations

const text = (base: Json) => JSON.stringify(base);
const CONTROL = fc.string({ unit: fc.constantFrom('\u0000', '\u0007', '\b', '\t', '\n', '\r', '\u001b', '\u007f', '\u2028', '\u2029', '\ufeff', '\ud800', '\udfff', '\u202e', '"', '\\', '<', '>', '&', "'") });
const ODD_TEXT = fc.oneof(fc.string({ unit: 'binary', maxLength: 300 }), CONTROL, fc.string({ unit: 'grapheme', maxLength: 100 }));
const SPECIAL_VALUES: unknown[] = [
	-1, -5, 0, -0, 1.5, 2 ** 53, 2 ** 53 + 2, 1e308, -1e308, '42', ' 7 ', '-3', '1.5', 'abc', '', '9'.repeat(400), 'Infinity',
	'NaN', null, true, false, [], {}, [1, 2], { id: 5 }, '\u0000', '<script>alert(1)</script>',
];
const ANY_VALUE = fc.oneof(fc.constantFrom(...SPECIAL_VALUES), fc.jsonValue({ maxDepth: 3 }), ODD_TEXT);
const nested = (depth: number, leaf = '0') => `${'['.repeat(depth)}${leaf}${']'.repeat(depth)}`;

const validMutations: Array<fc.Arbitrary<Mutation>> = [
	// Unicode, control characters and markup in the texts a work item carries.
	fc
		.record({ field: fc.constantFrom('System.Title', 'System.Description', 'System.History', 'System.State', 'System.Tags', 'Custom.Note'), value: ODD_TEXT })
		.map(({ field, value }) => ({
			label: `odd text in ${field}`,
			expect: 'valid' as const,
			apply: (base, event) => {
				currentFields(base, event)[field] = value;
				const message = base.message as Json | undefined;
				if (message) message.text = value;
				return { body: base, headers: AUTH };
			},
		})),
	// Keys the trigger does not know, including names that mean something to JavaScript, at the top and in resource.
	fc
		.record({
			key: fc.oneof(fc.constantFrom('__proto__', 'constructor', 'prototype', 'toString', 'hasOwnProperty', ''), fc.string({ maxLength: 20 })),
			value: fc.jsonValue({ maxDepth: 4 }),
			where: fc.constantFrom('top', 'resource'),
		})
		.map(({ key, value, where }) => ({
			label: `unknown key ${JSON.stringify(key)} = ${JSON.stringify(value).slice(0, 80)} in ${where}`,
			expect: 'valid' as const,
			apply: (base) => {
				// Written into the JSON text, so "__proto__" arrives as an own key, as it would from the wire.
				const entry = `${JSON.stringify(key)}:${JSON.stringify(value)},`;
				const whole = text(base);
				const body =
					where === 'top' ? `{${entry}${whole.slice(1)}` : whole.replace('"resource":{', () => `"resource":{${entry}`);
				return { body, headers: { ...AUTH, 'content-type': 'application/json' } };
			},
		})),
	// Deep nesting where the trigger does not look.
	fc.integer({ min: 50, max: HEAVY ? 100_000 : 20_000 }).map((depth) => ({
		label: 'deep nesting in an unknown key',
		expect: 'valid' as const,
		apply: (base) => ({ body: `{"x-deep":${nested(depth)},${text(base).slice(1)}`, headers: { ...AUTH, 'content-type': 'application/json' } }),
	})),
	// The right body with the wrong content type (the trigger reads the bytes, whatever the header says).
	fc
		.constantFrom('text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x', 'application/xml', 'application/octet-stream', '')
		.map((contentType) => ({
			label: `content type "${contentType}"`,
			expect: 'valid' as const,
			apply: (base) => ({ body: Buffer.from(text(base)), headers: { ...AUTH, 'content-type': contentType } }),
		})),
	// Optional parts left out (resource still names the work item).
	fc
		.subarray(['message', 'detailedMessage', 'createdDate', 'resourceContainers', 'publisherId', 'scope', 'id', 'resourceVersion', 'subscriptionId'], { minLength: 1 })
		.map((keys) => ({
			label: 'optional parts removed',
			expect: 'valid' as const,
			apply: (base) => {
				for (const key of keys) delete base[key];
				return { body: base, headers: AUTH };
			},
		})),
	// Byte order mark, pretty printing, CRLF, trailing white space, eventType in another case.
	fc.constantFrom('bom', 'pretty', 'crlf', 'trailing', 'eventCase').map((style) => ({
		label: `formatting: ${style}`,
		expect: 'valid' as const,
		apply: (base, event) => {
			if (style === 'eventCase') {
				base.eventType = ` ${event.toUpperCase()} `;
				return { body: base, headers: AUTH };
			}
			const body =
				style === 'bom'
					? `\ufeff${text(base)}`
					: style === 'pretty'
						? JSON.stringify(base, null, '\t')
						: style === 'crlf'
							? JSON.stringify(base, null, 2).replace(/\n/g, '\r\n')
							: `${text(base)} \n\t `;
			return { body, headers: { ...AUTH, 'content-type': 'application/json' } };
		},
	})),
];

const refusedMutations: Array<fc.Arbitrary<Mutation>> = [
	fc.constantFrom('', ' ', '\n\t ', '\ufeff').map((body) => ({
		label: 'empty body',
		expect: 'refused' as const,
		apply: () => ({ body, headers: { ...AUTH, 'content-type': 'application/json' } }),
	})),
	fc.constantFrom('one', 'empty', 'nested').map((shape) => ({
		label: 'array at the top',
		expect: 'refused' as const,
		apply: (base) => ({ body: shape === 'one' ? [base] : shape === 'empty' ? [] : [[base]], headers: AUTH }),
	})),
	fc.constantFrom('42', '"workitem.updated"', 'null', 'true', '-1e309', '0').map((body) => ({
		label: 'a plain value at the top',
		expect: 'refused' as const,
		apply: () => ({ body, headers: { ...AUTH, 'content-type': 'application/json' } }),
	})),
	fc.double({ min: 0, max: 1, noNaN: true, maxExcluded: true }).map((fraction) => ({
		label: 'cut off',
		expect: 'refused' as const,
		apply: (base) => {
			const whole = text(base);
			return { body: whole.slice(0, Math.floor(fraction * (whole.length - 1))), headers: { ...AUTH, 'content-type': 'application/json' } };
		},
	})),
	fc.record({ at: fc.double({ min: 0, max: 1, noNaN: true }), byte: fc.constantFrom(0xff, 0xfe, 0xc3, 0x80, 0xed) }).map(({ at, byte }) => ({
		label: 'not UTF-8',
		expect: 'refused' as const,
		apply: (base) => {
			const bytes = Buffer.from(text(base));
			const position = Math.floor(at * bytes.length);
			return {
				body: Buffer.concat([bytes.subarray(0, position), Buffer.from([byte]), bytes.subarray(position)]),
				headers: { ...AUTH, 'content-type': 'application/json' },
			};
		},
	})),
	fc
		.constantFrom<unknown>('git.push', 'build.complete', 'ms.vss-code.git-pullrequest-comment-event', 'workitem.moved', 'workitem', '', null, 42, ['workitem.updated'], { type: 'workitem.updated' }, true)
		.map((eventType) => ({
			label: 'not a work-item event',
			expect: 'refused' as const,
			apply: (base) => {
				base.eventType = eventType;
				return { body: base, headers: AUTH };
			},
		})),
	fc.constant(null).map(() => ({
		label: 'eventType removed',
		expect: 'refused' as const,
		apply: (base) => {
			delete base.eventType;
			return { body: base, headers: AUTH };
		},
	})),
	fc.constant(null).map(() => ({
		label: 'nothing names the work item',
		expect: 'refused' as const,
		apply: (base) => {
			delete base.resource;
			delete base.message;
			delete base.detailedMessage;
			return { body: base, headers: AUTH };
		},
	})),
	fc
		.oneof(fc.string({ maxLength: 200 }), fc.uint8Array({ maxLength: 200 }).map((bytes) => Buffer.from(bytes)), fc.constantFrom('<xml/>', 'a=b&c=d', '{"a":1', "{'eventType':'workitem.updated'}"))
		.filter((body) => {
			try {
				const parsed: unknown = JSON.parse(Buffer.isBuffer(body) ? body.toString('utf8') : body);
				return !(parsed && typeof parsed === 'object' && !Array.isArray(parsed));
			} catch {
				return true;
			}
		})
		.map((body) => ({
			label: 'not a JSON object',
			expect: 'refused' as const,
			apply: () => ({ body: Buffer.isBuffer(body) ? body : String(body), headers: { ...AUTH, 'content-type': 'application/json' } }),
		})),
];

const anyMutations: Array<fc.Arbitrary<Mutation>> = [
	fc.record({ pick: fc.nat(), value: ANY_VALUE }).map(({ pick, value }) => ({
		label: 'a value swapped for another type',
		expect: 'any' as const,
		apply: (base, event) => {
			setAt(base, PATHS[event][pick % PATHS[event].length], value);
			return { body: base, headers: AUTH };
		},
	})),
	fc.array(fc.nat(), { minLength: 1, maxLength: 4 }).map((picks) => ({
		label: 'fields removed',
		expect: 'any' as const,
		apply: (base, event) => {
			for (const pick of picks) removeAt(base, PATHS[event][pick % PATHS[event].length]);
			return { body: base, headers: AUTH };
		},
	})),
	fc
		.record({
			path: fc.constantFrom(['resource', 'id'], ['resource', 'workItemId'], ['resource', 'rev'], ['resource', 'revision', 'id'], ['resource', 'revision', 'rev'], ['notificationId'], ['resource', 'url']),
			value: fc.oneof(fc.constantFrom(...SPECIAL_VALUES), fc.integer({ min: -(2 ** 31), max: 2 ** 31 }), fc.double()),
		})
		.map(({ path, value }) => ({
			label: `odd id at ${path.join('.')}`,
			expect: 'any' as const,
			apply: (base) => {
				setAt(base, path, value);
				return { body: base, headers: AUTH };
			},
		})),
	// Deep nesting inside a field value: Azure DevOps never sends it, so the trigger may refuse it; if it accepts it,
	// n8n must still be able to store the item.
	fc.integer({ min: 50, max: HEAVY ? 100_000 : 20_000 }).map((depth) => ({
		label: 'deep nesting in a field value',
		expect: 'any' as const,
		apply: (base, event) => {
			currentFields(base, event)['Custom.Deep'] = '__DEEP__';
			return { body: text(base).replace('"__DEEP__"', () => nested(depth, '"x"')), headers: { ...AUTH, 'content-type': 'application/json' } };
		},
	})),
];

const deliveryCase = fc.record({
	event: fc.constantFrom(...EVENTS),
	mutation: fc.oneof(
		{ arbitrary: fc.oneof(...validMutations), weight: 4 },
		{ arbitrary: fc.oneof(...refusedMutations), weight: 3 },
		{ arbitrary: fc.oneof(...anyMutations), weight: 3 },
	),
});

// ------------------------------------------------------------------------------------------- the checks

const AZDC = /^AZDC-\d{4}$/;

/** The invariants every answer must meet, whatever was sent; returns what the delivery led to. */
function checkAnswer(result: WebhookResult, where: string): 'emitted' | 'ignored' | 'refused' {
	expect(result.error).toBeUndefined();
	expect(result.response.status).toBeLessThan(500);
	scanner.scan(`${where} answer`, result.response);
	const body = result.response.body as IDataObject;
	if (result.workflowData !== undefined) {
		expect(result.response.status).toBe(200);
		expect(result.workflowData).toHaveLength(1);
		expect(result.workflowData[0]).toHaveLength(1);
		const item = result.workflowData[0][0].json;
		expect(EVENTS).toContain(item.eventType);
		expect(Number.isSafeInteger(item.workItemId) && (item.workItemId as number) > 0).toBe(true);
		expect(item.revision === null || (Number.isSafeInteger(item.revision) && (item.revision as number) > 0)).toBe(true);
		expect(item.notificationId === null || (Number.isSafeInteger(item.notificationId) && (item.notificationId as number) >= 0)).toBe(true);
		// n8n stores what the trigger emits: it must survive JSON.
		expect(() => JSON.stringify(item)).not.toThrow();
		scanner.scan(`${where} item`, item);
		return 'emitted';
	}
	if (result.response.status >= 200 && result.response.status < 300) {
		expect(body).toMatchObject({ received: true, accepted: false });
		expect(typeof body.reason).toBe('string');
		return 'ignored';
	}
	expect(result.response.status).toBeGreaterThanOrEqual(400);
	expect(String(body.code)).toMatch(AZDC);
	expect(typeof body.message).toBe('string');
	return 'refused';
}

async function send(target: TriggerRig, wire: Wire): Promise<WebhookResult> {
	delivered++;
	counts.add('deliveriesTried');
	return await target.workflow.webhook(TRIGGER, { headers: wire.headers ?? AUTH, body: wire.body });
}

// ------------------------------------------------------------------------------------------- set-up

const triggerParameters = (fetchWorkItem: boolean) => ({
	authentication: 'azureDevOpsApi',
	project: { __rl: true, mode: 'name', value: 'FabrikamCloud' },
	registerSubscription: false,
	deliveryAuthentication: 'credential',
	events: [...EVENTS],
	onlyStateChanges: false,
	workItemEndState: 'Approved',
	endState: 'Return from DevOps',
	options: { fetchWorkItem },
});

beforeAll(async () => {
	process.on('unhandledRejection', onUncaught);
	process.on('uncaughtException', onUncaught);
	logs = captureLogs();
	emu = await canaryEmulator();
	const credentials = {
		azureDevOpsApi: { id: 'ado', name: 'Fabrikam', data: { organizationUrl: emu.orgUrl('fabrikam'), accessToken: CANARY_PAT, allowHttp: true } },
		azureDevOpsWebhookAuthApi: { id: 'hook', name: 'Hook secret', data: { authType: 'basicAuth', user: HOOK_USER, password: CANARY_HOOK_BASIC } },
	};
	rig = await triggerRig(emu, { parameters: triggerParameters(false), credentials });
	fetchingRig = await triggerRig(emu, { parameters: triggerParameters(true), credentials });
});

afterAll(async () => {
	process.off('unhandledRejection', onUncaught);
	process.off('uncaughtException', onUncaught);
	logs.restore();
	await rig.close();
	await fetchingRig.close();
	await emu.stop();
	counts.set('uncaughtExceptions', uncaught.length);
	counts.set('leaks', scanner.leaks.length);
	counts.report();
});

// ------------------------------------------------------------------------------------------- the tests

describe(`${DELIVERIES.toLocaleString('en')} fuzzed deliveries from the official samples (seed ${SEED})`, () => {
	it('never throw or answer 5xx; answer 2xx or 4xx with a code; every valid one starts exactly one execution', async () => {
		const outcomes = { emitted: 0, ignored: 0, refused: 0 };
		const byExpectation = { valid: 0, refused: 0, any: 0 };
		// Azure DevOps retries a notification within minutes; the trigger remembers the last 500 it accepted, per workflow.
		// A duplicate is a notification emitted again while it is still inside that window.
		const windows: Record<'plain' | 'fetching', string[]> = { plain: [], fetching: [] };
		let duplicates = 0;
		let workItemId = 100_000;
		let validEmitted = 0;
		const startedWith = delivered;

		await fc.assert(
			fc.asyncProperty(deliveryCase, async ({ event, mutation }) => {
				const id = ++workItemId;
				const notificationId = id;
				const base = identified(event, id, notificationId);
				const wire = mutation.apply(base, event);
				const fetching = id % FETCHING_SHARE === 0;
				const result = await send(fetching ? fetchingRig : rig, wire);
				const outcome = checkAnswer(result, mutation.label);
				outcomes[outcome]++;
				byExpectation[mutation.expect]++;
				if (mutation.expect !== 'valid') counts.add('faultsInjected');

				if (mutation.expect === 'valid') {
					// Exactly one execution, for this work item and this notification.
					expect({ label: mutation.label, outcome }).toEqual({ label: mutation.label, outcome: 'emitted' });
					const item = result.workflowData![0][0].json;
					expect(item).toMatchObject({ eventType: event, workItemId: id, notificationId });
					validEmitted++;
				}
				if (mutation.expect === 'refused') {
					expect({ label: mutation.label, status: result.response.status }).toEqual({ label: mutation.label, status: 400 });
				}
				if (outcome === 'emitted') {
					const notification = result.workflowData![0][0].json.notificationId as number | null;
					const window = windows[fetching ? 'fetching' : 'plain'];
					if (notification !== null) {
						if (window.includes(String(notification))) duplicates++;
						else window.push(String(notification));
						if (window.length > 500) window.shift();
					}
				}
			}),
			fcOptions(DELIVERIES),
		);

		expect(delivered - startedWith).toBe(DELIVERIES);
		expect(outcomes.emitted + outcomes.ignored + outcomes.refused).toBe(DELIVERIES);
		// Every kind of mutation was tried, and every answer kind was seen.
		expect(byExpectation.valid).toBeGreaterThan(DELIVERIES * 0.3);
		expect(byExpectation.refused).toBeGreaterThan(DELIVERIES * 0.2);
		expect(byExpectation.any).toBeGreaterThan(DELIVERIES * 0.2);
		expect(outcomes.refused).toBeGreaterThanOrEqual(byExpectation.refused);
		expect(outcomes.emitted).toBeGreaterThanOrEqual(byExpectation.valid);
		// No notification started two executions.
		counts.add('duplicates', duplicates);
		expect(duplicates).toBe(0);
		expect(uncaught).toEqual([]);
		counts.set('emitted', outcomes.emitted);
		counts.set('ignored', outcomes.ignored);
		counts.set('refused4xx', outcomes.refused);
		counts.set('answers5xx', 0);
		counts.set('validDeliveries', byExpectation.valid);
		// Every valid delivery was checked above to start exactly one execution; none may be missing.
		counts.add('losses', byExpectation.valid - validEmitted);
		expect(validEmitted).toBe(byExpectation.valid);
		// The valid ones that went to the fetching trigger read their work item with the canary PAT.
		expect(emu.requests().filter((r) => r.method === 'GET' && r.token === 'fabrikam#0').length).toBeGreaterThan(0);
		expect(scanner.leaks).toEqual([]);
	}, 600_000);

	it('refuses a field value nested 20,000 levels deep (n8n could not store the item) with 400 AZDC-3004, accepts 60 levels', async () => {
		for (const [depth, expected] of [[20_000, 'refused'], [5_000, 'refused'], [65, 'refused'], [60, 'emitted']] as const) {
			const base = identified('workitem.updated', 950_000 + depth, 950_000 + depth);
			currentFields(base, 'workitem.updated')['Custom.Deep'] = '__DEEP__';
			const body = JSON.stringify(base).replace('"__DEEP__"', () => nested(depth, '"x"'));
			if (expected === 'refused') counts.add('faultsInjected');
			const result = await send(rig, { body, headers: { ...AUTH, 'content-type': 'application/json' } });
			expect({ depth, outcome: checkAnswer(result, 'deep field') }).toEqual({ depth, outcome: expected });
			if (expected === 'refused') {
				expect(result.response).toMatchObject({ status: 400, body: { code: 'AZDC-3004', message: expect.stringContaining('nested more than 64 levels') } });
			}
		}
	});

	it('accepts a 5 MB delivery of every event type, and refuses 5 MB that is cut off or not JSON', async () => {
		const description = `<p>${'Paper jam on floor 3. '.repeat(Math.ceil(FIVE_MB / 22)).slice(0, FIVE_MB)}</p>`;
		for (const [index, event] of EVENTS.entries()) {
			const id = 900_000 + index;
			const base = identified(event, id, id);
			currentFields(base, event)['System.Description'] = description;
			const wire = JSON.stringify(base);
			expect(wire.length).toBeGreaterThan(FIVE_MB);
			const result = await send(rig, { body: wire, headers: { ...AUTH, 'content-type': 'application/json' } });
			expect(checkAnswer(result, '5 MB')).toBe('emitted');
			const item = result.workflowData![0][0].json;
			expect(item.workItemId).toBe(id);
			expect(((item.fields as IDataObject)['System.Description'] as string).length).toBe(description.length);
		}
		const big = JSON.stringify({ ...identified('workitem.updated', 900_010, 900_010), padding: 'x'.repeat(FIVE_MB) });
		for (const body of [big.slice(0, big.length - 1), `not json ${'x'.repeat(FIVE_MB)}`, Buffer.concat([Buffer.from(big.slice(0, 1000)), Buffer.from([0xff]), Buffer.from(big.slice(1000))])]) {
			counts.add('faultsInjected');
			const result = await send(rig, { body, headers: { ...AUTH, 'content-type': 'application/json' } });
			expect(checkAnswer(result, '5 MB refused')).toBe('refused');
			expect(result.response.status).toBe(400);
		}
		expect(scanner.leaks).toEqual([]);
	}, 120_000);
});

describe('at the end', () => {
	it('n8n logged nothing that carries a secret', () => {
		scanner.scanLogs('log', logs.lines);
		expect(scanner.leaks).toEqual([]);
	});
});
