// The trigger's building blocks a user relies on without seeing them: the duplicate window stays small, the secret
// check is exact, the Service Hook Secret credential can be tested, and the token never leaks.
import type { ICredentialDataDecryptedObject, IDataObject } from 'n8n-workflow';

import { AzureDevOpsWebhookAuthApi } from '../../credentials/AzureDevOpsWebhookAuthApi.credentials';
import { AzureDevOpsConnectorTrigger } from '../../nodes/AzureDevOpsConnector/AzureDevOpsConnectorTrigger.node';
import {
	checkDelivery,
	emptyDedupState,
	readDedupState,
	recordDelivery,
	workItemKey,
	type DedupState,
} from '../../nodes/AzureDevOpsConnector/connector/dedup';
import {
	checkWebhookSecret,
	constantTimeEqual,
	decodeBase64,
} from '../../nodes/AzureDevOpsConnector/connector/webhookSecret';
import { startEmulator, type Emulator } from '../emulator';
import { testCredential } from '../support/n8n';
import {
	HOOK_CANARY,
	HOOK_USER,
	TRIGGER,
	TRIGGER_TYPE,
	answered,
	basicAuth,
	deliver,
	emitted,
	emulatorCredentials,
	sample,
	triggerRig,
} from './trigger.support';

const AUTH = { authorization: basicAuth(HOOK_USER, HOOK_CANARY) };

describe('the duplicate window', () => {
	it('stays under 64 KiB of static data after 100,000 deliveries to 50,000 work items', () => {
		let state: DedupState = emptyDedupState();
		for (let n = 1; n <= 100_000; n++) {
			const identity = { notificationId: 1_000_000 + n, workItemKey: workItemKey('workitem.updated', 100_000 + (n % 50_000)), revision: n };
			if (checkDelivery(state, identity).verdict !== 'new') throw new Error(`delivery ${n} was not new`);
			state = recordDelivery(state, identity);
		}
		const bytes = Buffer.byteLength(JSON.stringify(state));
		expect(bytes).toBeLessThanOrEqual(64 * 1024);
		expect(state.n).toHaveLength(500);
		expect(state.w).toHaveLength(4000);
		// The most recent are still recognised.
		expect(checkDelivery(state, { notificationId: 1_100_000, workItemKey: null, revision: null }).verdict).toBe('duplicate');
	});

	it('drops a repeated notification and an older or equal revision, keeps a newer one', () => {
		let state = emptyDedupState();
		const key = workItemKey('workitem.updated', 7);
		state = recordDelivery(state, { notificationId: 1, workItemKey: key, revision: 5 });
		expect(checkDelivery(state, { notificationId: 1, workItemKey: key, revision: 9 }).verdict).toBe('duplicate');
		expect(checkDelivery(state, { notificationId: 2, workItemKey: key, revision: 5 }).verdict).toBe('stale');
		expect(checkDelivery(state, { notificationId: 3, workItemKey: key, revision: 4 }).verdict).toBe('stale');
		expect(checkDelivery(state, { notificationId: 4, workItemKey: key, revision: 6 }).verdict).toBe('new');
		// A comment on the same revision is its own sequence.
		expect(checkDelivery(state, { notificationId: 5, workItemKey: workItemKey('workitem.commented', 7), revision: 5 }).verdict).toBe('new');
	});

	it('reads a damaged or foreign static-data value as an empty or repaired window, never throwing', () => {
		for (const raw of [undefined, null, 'x', 5, [], { v: 2 }, { v: 1, n: 'x', w: {} }]) {
			expect(readDedupState(raw)).toEqual(emptyDedupState());
		}
		expect(readDedupState({ v: 1, n: ['1', 2, '3'], w: ['u1', 3, 'u2', 'x', 'u3'] })).toEqual({ v: 1, n: ['1', '3'], w: ['u1', 3] });
	});
});

describe('the secret check', () => {
	it('compares exactly: equal texts only, whatever their lengths', () => {
		expect(constantTimeEqual('s3cret-ü', 's3cret-ü')).toBe(true);
		for (const other of ['', 's', 's3cret-u', 's3cret-ü ', 'S3cret-ü', 's3cret-üs3cret-ü']) {
			expect(constantTimeEqual('s3cret-ü', other)).toBe(false);
		}
		expect(constantTimeEqual('', '')).toBe(false);
	});

	it('reads Basic auth in any case of "basic", and refuses what is not Basic auth', () => {
		const secret = { kind: 'basicAuth' as const, user: 'u', password: 'pässword:with:colons' };
		expect(checkWebhookSecret(secret, { Authorization: `bAsIc ${Buffer.from('u:pässword:with:colons').toString('base64')}` })).toEqual({ ok: true });
		expect(checkWebhookSecret(secret, { authorization: 'Basic !!!' })).toMatchObject({ ok: false, reason: 'malformed' });
		expect(checkWebhookSecret(secret, {})).toMatchObject({ ok: false, reason: 'missing' });
		expect(decodeBase64('dTpw')).toEqual(new Uint8Array([117, 58, 112]));
	});
});

describe('the Service Hook Secret credential', () => {
	const test = async (data: ICredentialDataDecryptedObject) =>
		await testCredential({
			type: 'azureDevOpsWebhookAuthApi',
			data,
			credentialTypes: [new AzureDevOpsWebhookAuthApi()],
			nodeTypes: { [TRIGGER_TYPE]: new AzureDevOpsConnectorTrigger() },
		});

	it('"Test" says it is complete, or names what is missing', async () => {
		expect(await test({ authType: 'basicAuth', user: 'hook', password: 'long-enough-secret' })).toMatchObject({ status: 'OK' });
		expect(await test({ authType: 'header', headerName: 'X-Authorization', headerSecret: 'Bearer 0123456789ab' })).toMatchObject({ status: 'OK' });
		const short = await test({ authType: 'basicAuth', user: 'hook', password: 'short' });
		expect(short.status).toBe('Error');
		expect(short.message).toMatch(/AZDC-3104.*Password/);
		expect((await test({ authType: 'header', headerName: 'X Auth', headerSecret: 'Bearer 0123456789ab' })).message).toMatch(/Header Name/);
	});
});

describe('static data and secrets', () => {
	let emu: Emulator;
	beforeAll(async () => {
		emu = await startEmulator({ allowLocalhostConsumers: true });
	});
	afterAll(async () => await emu.stop());

	it('a filtered or duplicate delivery leaves static data exactly as it was', async () => {
		const rig = await triggerRig(emu, {
			parameters: { authentication: 'none', registerSubscription: false, deliveryAuthentication: 'credential' },
		});
		try {
			const body = { ...sample('workitem.updated'), notificationId: 1 };
			emitted(await deliver(rig, body, AUTH));
			const before = JSON.stringify(rig.workflow.nodeStaticData(TRIGGER));
			answered(await deliver(rig, body, AUTH));
			answered(await deliver(rig, { ...body, notificationId: 2, eventType: 'workitem.deleted' }, AUTH));
			answered(await deliver(rig, 'not json', AUTH));
			answered(await deliver(rig, body, {}));
			expect(JSON.stringify(rig.workflow.nodeStaticData(TRIGGER))).toBe(before);
		} finally {
			await rig.close();
		}
	});

	it('a canary Personal Access Token refused by Azure DevOps appears in no answer, output, static data or log line', async () => {
		const canary = 'canary-pat-9f8e7d6c5b4a';
		const logged: string[] = [];
		const rig = await triggerRig(emu, {
			parameters: { registerSubscription: false, deliveryAuthentication: 'credential' },
			credentials: emulatorCredentials(emu, {
				azureDevOpsApi: { data: { organizationUrl: emu.orgUrl('fabrikam'), accessToken: canary, allowHttp: true } },
			}),
		});
		const spy = jest.spyOn(console, 'log').mockImplementation((...args) => void logged.push(args.join(' ')));
		try {
			const thin = sample('workitem.updated');
			delete ((thin.resource as IDataObject).revision as IDataObject).fields;
			(thin.resource as IDataObject).workItemId = 1;
			const accepted = await deliver(rig, thin, AUTH);
			const item = emitted(accepted);
			expect(String((item.ticket as IDataObject).reason)).toMatch(/AZDC-3103/);
			await expect(rig.workflow.activate(TRIGGER)).resolves.toBeDefined();
			const everything = JSON.stringify([accepted.response, item, rig.workflow.staticData, logged]);
			expect(everything).not.toContain(canary);
			expect(everything).not.toContain(Buffer.from(`:${canary}`).toString('base64'));
		} finally {
			spy.mockRestore();
			await rig.close();
		}
	});
});
