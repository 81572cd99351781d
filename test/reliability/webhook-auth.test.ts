// Issue 8, item 6. Who may start the workflow. For each way a delivery can prove itself (Basic auth from the Service
// Hook Secret credential, a custom header such as X-Authorization: Bearer, the secret the trigger generated for its
// own subscriptions), deliveries with the secret missing, wrong, cut short, in another case, or probing it one
// character at a time are answered 401 with a code, start no execution, change nothing, and repeat nothing of what
// was sent. The comparison takes the same steps wherever the first wrong character is.
import fc from 'fast-check';
import type { IDataObject } from 'n8n-workflow';

import { constantTimeEqualBytes } from '../../nodes/AzureDevOpsConnector/connector/webhookSecret';
import { captureLogs, type CredentialsInput, type LogCapture } from '../support/n8n';
import { TRIGGER, basicAuth, sample, triggerRig, type TriggerRig } from '../nodes/trigger.support';
import { CANARY_HOOK_HEADER, CANARY_HOOK_BASIC, HEAVY, LeakScanner, ReliabilityCounts, SEED, fcOptions } from './support';

const HOOK_USER = 'azure-devops';
const HEADER_NAME = 'X-Authorization';
const CANARY_GENERATED = 'rlbcanary7gen5e1c9a7d3f0b2e4c6a8d0f1b3e5c7';
const CANARY_GENERATED_TEST_URL = 'rlbcanary7gen8b0d2f4a6c8e1b3d5f7a9c0e2d4f6';
/** The secrets the trigger generated for its production and test URL subscriptions (as static data keeps them). */
const GENERATED = { user: 'n8n-azure-devops', password: CANARY_GENERATED };
const GENERATED_TEST_URL = { user: 'n8n-azure-devops', password: CANARY_GENERATED_TEST_URL };
const PROBES = HEAVY ? 5_000 : 600;

const counts = new ReliabilityCounts('webhook-auth');
const scanner = new LeakScanner([CANARY_HOOK_BASIC, CANARY_HOOK_HEADER, GENERATED.password, GENERATED_TEST_URL.password]);
let logs: LogCapture;
let notification = 1;

beforeAll(() => {
	logs = captureLogs();
});

afterAll(() => {
	logs.restore();
	counts.set('leaks', scanner.leaks.length);
	counts.report();
});

interface Mode {
	name: string;
	parameters: IDataObject;
	credentials: CredentialsInput;
	staticData?: IDataObject;
	/** The headers of a delivery that carries the right secret. */
	right: Record<string, string>;
	/** Headers that carry `value` where the secret goes (a wrong secret when value is not the right one). */
	carrying: (value: string) => Record<string, string>;
	/** The right secret as text, for making wrong ones from it. */
	secret: string;
	/** Header values lose surrounding white space on the way (HTTP's rule); a Basic auth password keeps it. */
	trims: boolean;
}

const hookCredential = (data: Record<string, string>) => ({ azureDevOpsWebhookAuthApi: { id: 'hook', name: 'Hook secret', data } });

const MODES: Mode[] = [
	{
		name: 'Basic auth (Service Hook Secret credential)',
		parameters: { authentication: 'none', deliveryAuthentication: 'credential' },
		credentials: hookCredential({ authType: 'basicAuth', user: HOOK_USER, password: CANARY_HOOK_BASIC }),
		right: { authorization: basicAuth(HOOK_USER, CANARY_HOOK_BASIC) },
		carrying: (value) => ({ authorization: basicAuth(HOOK_USER, value) }),
		secret: CANARY_HOOK_BASIC,
		trims: false,
	},
	{
		name: 'X-Authorization: Bearer header (Service Hook Secret credential)',
		parameters: { authentication: 'none', deliveryAuthentication: 'credential' },
		credentials: hookCredential({ authType: 'header', headerName: HEADER_NAME, headerSecret: CANARY_HOOK_HEADER }),
		right: { [HEADER_NAME]: CANARY_HOOK_HEADER },
		carrying: (value) => ({ [HEADER_NAME]: value }),
		secret: CANARY_HOOK_HEADER,
		trims: true,
	},
	{
		name: 'generated secret (subscriptions registered by the trigger)',
		parameters: { authentication: 'none', deliveryAuthentication: 'generatedSecret' },
		credentials: {},
		staticData: {
			[`node:${TRIGGER}`]: {
				registrations: {
					'https://n8n.example/webhook/x/webhook': { ids: ['s1'], events: ['workitem.updated'], organizationUrl: 'https://dev.azure.com/fabrikam', credentialType: 'azureDevOpsApi', fingerprint: 'f', secret: GENERATED },
					'https://n8n.example/webhook-test/x/webhook': { ids: ['s2'], events: ['workitem.updated'], organizationUrl: 'https://dev.azure.com/fabrikam', credentialType: 'azureDevOpsApi', fingerprint: 'g', secret: GENERATED_TEST_URL },
				},
			},
		},
		right: { authorization: basicAuth(GENERATED.user, GENERATED.password) },
		carrying: (value) => ({ authorization: basicAuth(GENERATED.user, value) }),
		secret: GENERATED.password,
		trims: false,
	},
];

function delivery(): IDataObject {
	const body = sample('workitem.updated');
	body.notificationId = notification++;
	(body.resource as IDataObject).rev = notification;
	return body;
}

/** The secret made wrong in the ways an attacker or a careless admin would. */
function wrongVersions(secret: string, trims: boolean): fc.Arbitrary<{ how: string; value: string }> {
	const same = (value: string) => (trims ? value.trim() === secret.trim() : value === secret);
	return anyWrongVersion(secret).filter(({ value }) => !same(value));
}

function anyWrongVersion(secret: string): fc.Arbitrary<{ how: string; value: string }> {
	const flipCase = (text: string) => text.replace(/[a-z]/gi, (c) => (c === c.toLowerCase() ? c.toUpperCase() : c.toLowerCase()));
	return fc.oneof(
		fc.nat({ max: secret.length - 1 }).map((length) => ({ how: 'truncated', value: secret.slice(0, length) })),
		// A timing probe: the first k characters right, then a wrong one.
		fc.record({ k: fc.nat({ max: secret.length - 1 }), c: fc.constantFrom('0', 'a', 'Z', '~', 'é') }).filter(({ k, c }) => secret[k] !== c).map(({ k, c }) => ({ how: `probe ${k}`, value: `${secret.slice(0, k)}${c}${secret.slice(k + 1)}` })),
		fc.record({ k: fc.nat({ max: secret.length }), c: fc.string({ minLength: 1, maxLength: 3 }) }).map(({ k, c }) => ({ how: 'inserted', value: `${secret.slice(0, k)}${c}${secret.slice(k)}` })),
		fc.constant({ how: 'other case', value: flipCase(secret) }).filter(({ value }) => value !== secret),
		fc.constant({ how: 'doubled', value: secret + secret }),
		fc.string({ minLength: 1, maxLength: 80 }).filter((value) => value.trim() !== secret.trim()).map((value) => ({ how: 'random', value })),
		fc.constant({ how: 'homoglyph', value: secret.replace(/a/, '\u0430') }).filter(({ value }) => value !== secret),
	);
}

describe.each(MODES)('$name', (mode) => {
	let rig: TriggerRig;

	beforeAll(async () => {
		rig = await triggerRig(undefined, { parameters: { registerSubscription: false, ...mode.parameters }, credentials: mode.credentials, staticData: mode.staticData });
	});

	afterAll(async () => await rig.close());

	/** Sends and checks a delivery that must be refused: 401 with a code, no execution, nothing changed, nothing echoed. */
	async function refused(headers: Record<string, string | string[]>, label: string): Promise<void> {
		const before = JSON.stringify(rig.workflow.staticData);
		const result = await rig.workflow.runFromWebhook(TRIGGER, { headers: headers as Record<string, string>, body: delivery() });
		counts.add('deliveriesTried');
		counts.add('faultsInjected');
		const body = result.response.body as IDataObject;
		expect({ label, status: result.response.status, started: result.run !== undefined, items: result.workflowData }).toEqual({ label, status: 401, started: false, items: undefined });
		expect(String(body.code)).toMatch(/^AZDC-(3010|3101|3104)$/);
		expect(JSON.stringify(rig.workflow.staticData)).toBe(before);
		scanner.scan(`401 answer (${label})`, result.response);
		for (const value of Object.values(headers).flat()) {
			if (value.length >= 8) expect(JSON.stringify(result.response)).not.toContain(value);
		}
	}

	it('accepts the right secret (the control): one execution', async () => {
		const result = await rig.workflow.runFromWebhook(TRIGGER, { headers: mode.right, body: delivery() });
		counts.add('deliveriesTried');
		expect(result.response.status).toBe(200);
		expect(result.run).toBeDefined();
		expect(result.run!.outputOf(TRIGGER)).toHaveLength(1);
	});

	it('refuses no secret, an empty one, and the wrong kind', async () => {
		await refused({}, 'no headers');
		await refused({ authorization: '' }, 'empty authorization');
		await refused({ [HEADER_NAME]: '' }, 'empty header');
		await refused({ authorization: 'Basic' }, 'Basic without credentials');
		await refused({ authorization: 'Basic !!!not-base64!!!' }, 'not base64');
		await refused({ authorization: `Bearer ${mode.secret}` }, 'the secret as a Bearer token in Authorization');
		await refused({ 'x-other-header': mode.secret }, 'the secret in another header');
		await refused({ authorization: [basicAuth(HOOK_USER, 'wrong-password-123'), mode.right.authorization ?? 'x'] as unknown as string }, 'two Authorization headers');
		if (mode.name.startsWith('Basic')) {
			await refused({ authorization: basicAuth(HOOK_USER.toUpperCase(), CANARY_HOOK_BASIC) }, 'user name in another case');
			await refused({ authorization: basicAuth('', CANARY_HOOK_BASIC) }, 'no user name');
			await refused({ authorization: basicAuth(`${HOOK_USER}:${CANARY_HOOK_BASIC}`, '') }, 'password moved into the user name');
		}
		if (mode.name.startsWith('generated')) {
			// Each registration's secret is its own; mixing them does not work.
			await refused({ authorization: basicAuth(GENERATED.user, `${GENERATED.password.slice(0, 20)}${GENERATED_TEST_URL.password.slice(20)}`) }, 'two secrets mixed');
		}
	});

	it(`refuses ${PROBES} wrong secrets made from the right one: truncated, probed, other case, homoglyphs (seed ${SEED})`, async () => {
		await fc.assert(
			fc.asyncProperty(wrongVersions(mode.secret, mode.trims), async ({ how, value }) => {
				await refused(mode.carrying(value), how);
			}),
			fcOptions(PROBES),
		);
	}, 120_000);

	it('answers every wrong secret alike, however close it came', async () => {
		const answers = new Set<string>();
		for (let k = 0; k < mode.secret.length; k++) {
			const probe = `${mode.secret.slice(0, k)}${mode.secret[k] === '#' ? '%' : '#'}${mode.secret.slice(k + 1)}`;
			const result = await rig.workflow.webhook(TRIGGER, { headers: mode.carrying(probe), body: delivery() });
			counts.add('deliveriesTried');
			counts.add('faultsInjected');
			answers.add(JSON.stringify([result.response.status, result.response.body]));
		}
		expect(answers.size).toBe(1);
	});

	it('still accepts the right secret afterwards, and the header name in any case', async () => {
		const headers = Object.fromEntries(Object.entries(mode.right).map(([name, value]) => [name.toUpperCase(), value]));
		const result = await rig.workflow.webhook(TRIGGER, { headers, body: delivery() });
		counts.add('deliveriesTried');
		expect(result.response.status).toBe(200);
		expect(result.workflowData).toHaveLength(1);
		if (mode.name.startsWith('generated')) {
			// The test URL's registration has its own secret, which works too.
			const other = await rig.workflow.webhook(TRIGGER, { headers: { authorization: basicAuth(GENERATED_TEST_URL.user, GENERATED_TEST_URL.password) }, body: delivery() });
			expect(other.workflowData).toHaveLength(1);
		}
	});
});

describe('the comparison is constant-time', () => {
	const encoder = new TextEncoder();

	/** Counts how often a comparison reads the expected secret's bytes. */
	function readsOf(compare: (expected: Uint8Array, supplied: Uint8Array) => boolean, expected: Uint8Array, supplied: Uint8Array): number {
		let reads = 0;
		const watched = new Proxy(expected, {
			get(target, property) {
				if (typeof property === 'string' && /^\d+$/.test(property)) reads++;
				const value: unknown = Reflect.get(target, property, target);
				return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(target) : value;
			},
		});
		compare(watched, supplied);
		return reads;
	}

	/** An early-exit comparison, the kind that leaks: the instrument must be able to tell. */
	const naive = (expected: Uint8Array, supplied: Uint8Array): boolean => {
		if (expected.length !== supplied.length) return false;
		for (let i = 0; i < expected.length; i++) if (expected[i] !== supplied[i]) return false;
		return true;
	};

	const secret = encoder.encode(`${HOOK_USER}:${CANARY_HOOK_BASIC}`);
	const probes = Array.from({ length: secret.length + 1 }, (_, k) => {
		const bytes = secret.slice();
		if (k < bytes.length) bytes[k] ^= 0x20;
		return bytes;
	});

	it('reads the secret the same number of times wherever the first wrong byte is (and when all are right)', () => {
		const reads = probes.map((probe) => readsOf(constantTimeEqualBytes, secret, probe));
		expect(new Set(reads)).toEqual(new Set([secret.length]));
		// Different lengths: the work follows what was sent (known to the sender), never the secret.
		expect(readsOf(constantTimeEqualBytes, secret, encoder.encode('short'))).toBe(5);
		expect(readsOf(constantTimeEqualBytes, secret, new Uint8Array(300))).toBe(300);
		// The instrument does see an early exit.
		const naiveReads = probes.map((probe) => readsOf(naive, secret, probe));
		expect(new Set(naiveReads).size).toBe(secret.length);
	});

	it('takes the same time for a wrong first byte as for a wrong last byte (4 KiB secret, median of 31 paired rounds)', () => {
		const long = encoder.encode('s'.repeat(4096));
		const firstWrong = long.slice();
		firstWrong[0] = 0x21;
		const lastWrong = long.slice();
		lastWrong[4095] = 0x21;
		const time = (compare: (a: Uint8Array, b: Uint8Array) => boolean, supplied: Uint8Array): number => {
			const started = process.hrtime.bigint();
			for (let i = 0; i < 200; i++) compare(long, supplied);
			return Number(process.hrtime.bigint() - started);
		};
		// Each round times both probes back to back, in alternating order, so a busy machine slows both alike.
		const medianRatio = (compare: (a: Uint8Array, b: Uint8Array) => boolean): number => {
			for (let warm = 0; warm < 5; warm++) {
				time(compare, firstWrong);
				time(compare, lastWrong);
			}
			const ratios: number[] = [];
			for (let round = 0; round < 31; round++) {
				let first: number;
				let last: number;
				if (round % 2 === 0) {
					first = time(compare, firstWrong);
					last = time(compare, lastWrong);
				} else {
					last = time(compare, lastWrong);
					first = time(compare, firstWrong);
				}
				ratios.push(last / Math.max(first, 1));
			}
			return ratios.sort((a, b) => a - b)[15];
		};
		const ratio = medianRatio(constantTimeEqualBytes);
		const naiveRatio = medianRatio(naive);
		counts.set('timingRatioPercent', Math.round(ratio * 100));
		expect(ratio).toBeGreaterThan(1 / 3);
		expect(ratio).toBeLessThan(3);
		// The same measurement catches an early-exit comparison by a wide margin.
		expect(naiveRatio).toBeGreaterThan(10);
	});
});

describe('at the end', () => {
	it('n8n logged nothing that carries a secret', () => {
		scanner.scanLogs('log', logs.lines);
		expect(scanner.leaks).toEqual([]);
	});
});
