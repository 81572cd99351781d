// Issue 16, item 1: no credential read on the delivery path when nothing changed. The trigger checks deliveries
// against a verifier of the Service Hook Secret (a salted hash) made at activation; it reads the credential again only
// when a delivery's secret does not match (at most once per interval), when the verifier is old, or when another
// credential was chosen. A secret rotated in the credential works at its first delivery; the old one stops working.
import type { IDataObject, INodeParameters } from 'n8n-workflow';

import { MAX_AGE_MS, REFRESH_INTERVAL_MS, VERIFIER_KEY } from '../../nodes/AzureDevOpsConnector/trigger/secretVerifier';
import { LeakScanner } from '../reliability/support';
import type { CredentialsInput } from '../support/n8n';
import { TRIGGER, basicAuth, sample, triggerRig, type TriggerRig } from './trigger.support';

const USER = 'azure-devops';
const OLD = 'old-secret-4c1e9a7b3d5f';
const NEW = 'new-secret-8e2a6c0f4b7d';
const PARAMETERS: INodeParameters = { authentication: 'none', deliveryAuthentication: 'credential', registerSubscription: false };
const basic = (password: string): CredentialsInput => ({ azureDevOpsWebhookAuthApi: { id: 'hook', name: 'Hook', data: { authType: 'basicAuth', user: USER, password } } });
const header = (value: string): CredentialsInput => ({ azureDevOpsWebhookAuthApi: { id: 'hook', name: 'Hook', data: { authType: 'header', headerName: 'X-Authorization', headerSecret: value } } });

let notification = 1;
function delivery(): IDataObject {
	const body = sample('workitem.updated');
	body.notificationId = notification++;
	(body.resource as IDataObject).rev = notification;
	return body;
}

let now = Date.UTC(2026, 11, 3, 8, 0, 0);
let clock: jest.SpyInstance;
beforeEach(() => {
	clock = jest.spyOn(Date, 'now').mockImplementation(() => now);
});
afterEach(() => clock.mockRestore());

/** Static data as another process would read it from the database. */
const copyOf = (data: IDataObject): IDataObject => JSON.parse(JSON.stringify(data)) as IDataObject;

async function status(rig: TriggerRig, headers: Record<string, string>): Promise<number> {
	return (await rig.workflow.webhook(TRIGGER, { headers, body: delivery() })).response.status;
}

function rotate(rig: TriggerRig, data: IDataObject): void {
	const stored = rig.workflow.credentialsHelper.store.find((entry) => entry.type === 'azureDevOpsWebhookAuthApi')!;
	stored.data = { ...stored.data, ...data } as typeof stored.data;
}

describe.each([
	{ name: 'Basic auth', credentials: basic, headers: (secret: string) => ({ authorization: basicAuth(USER, secret) }), field: 'password' },
	{ name: 'X-Authorization header', credentials: header, headers: (secret: string) => ({ 'x-authorization': `Bearer ${secret}` }), field: 'headerSecret', prefix: 'Bearer ' },
])('$name from the Service Hook Secret credential', ({ credentials, headers, field, prefix }) => {
	const value = (secret: string) => `${prefix ?? ''}${secret}`;
	let rig: TriggerRig;
	let reads: jest.SpyInstance;

	beforeEach(async () => {
		rig = await triggerRig(undefined, { parameters: PARAMETERS, credentials: credentials(value(OLD)) });
		await rig.workflow.activate(TRIGGER);
		reads = jest.spyOn(rig.workflow.credentialsHelper, 'getDecrypted');
	});
	afterEach(async () => {
		reads.mockRestore();
		await rig.close();
	});

	it('activation keeps a salted verifier in static data that reveals no form of the secret', () => {
		const stored = rig.workflow.nodeStaticData(TRIGGER)[VERIFIER_KEY] as IDataObject;
		expect(stored).toMatchObject({ credentialId: 'hook', salt: expect.any(String), hash: expect.any(String) });
		const scanner = new LeakScanner([value(OLD), OLD]);
		scanner.scan('static data', rig.workflow.staticData);
		expect(scanner.leaks).toEqual([]);
	});

	it('50 accepted deliveries read the credential 0 times', async () => {
		for (let i = 0; i < 50; i++) expect(await status(rig, headers(OLD))).toBe(200);
		expect(reads).not.toHaveBeenCalled();
	});

	it('a secret rotated in the credential works at its first delivery, and the old one stops working', async () => {
		rotate(rig, { [field]: value(NEW) });
		expect(await status(rig, headers(NEW))).toBe(200);
		expect(reads).toHaveBeenCalledTimes(1);
		expect(await status(rig, headers(OLD))).toBe(401);
		expect(await status(rig, headers(NEW))).toBe(200);
		expect(reads).toHaveBeenCalledTimes(1);
	});

	it('wrong secrets make the trigger read the credential at most once per interval', async () => {
		for (let i = 0; i < 100; i++) expect(await status(rig, headers(`wrong-${i}-secret-value`))).toBe(401);
		expect(reads).toHaveBeenCalledTimes(1);
		now += REFRESH_INTERVAL_MS - 1;
		expect(await status(rig, headers('wrong-secret-value-again'))).toBe(401);
		expect(reads).toHaveBeenCalledTimes(1);
		now += 1;
		expect(await status(rig, headers('wrong-secret-value-again'))).toBe(401);
		expect(reads).toHaveBeenCalledTimes(2);
		expect(await status(rig, headers(OLD))).toBe(200);
	});

	it('with no delivery of the new secret, the old one stops working once the verifier is older than its maximum age', async () => {
		rotate(rig, { [field]: value(NEW) });
		now += MAX_AGE_MS - 1000;
		expect(await status(rig, headers(OLD))).toBe(200);
		expect(reads).not.toHaveBeenCalled();
		now += 1000;
		expect(await status(rig, headers(OLD))).toBe(401);
		expect(reads).toHaveBeenCalledTimes(1);
		expect(await status(rig, headers(NEW))).toBe(200);
	});

	it('a credential made unusable stops every delivery once the verifier is old, also between two attempts to read it', async () => {
		rotate(rig, { [field]: 'short' });
		now += MAX_AGE_MS;
		expect(await status(rig, headers(OLD))).toBe(401);
		expect(reads).toHaveBeenCalledTimes(1);
		for (let i = 0; i < 5; i++) expect(await status(rig, headers(OLD))).toBe(401);
		now += REFRESH_INTERVAL_MS;
		expect(await status(rig, headers(OLD))).toBe(401);
		expect(reads).toHaveBeenCalledTimes(2);
	});

	it('another process (a restart, a queue-mode webhook process) starts from the verifier in static data: no credential read', async () => {
		const other = await triggerRig(undefined, { parameters: PARAMETERS, credentials: credentials(value(OLD)), staticData: copyOf(rig.workflow.staticData) });
		const otherReads = jest.spyOn(other.workflow.credentialsHelper, 'getDecrypted');
		try {
			for (let i = 0; i < 5; i++) expect(await status(other, headers(OLD))).toBe(200);
			expect(otherReads).not.toHaveBeenCalled();
		} finally {
			await other.close();
		}
	});

	it('a refreshed verifier is saved with the next accepted delivery, so the next process starts from it', async () => {
		rotate(rig, { [field]: value(NEW) });
		const before = (rig.workflow.nodeStaticData(TRIGGER)[VERIFIER_KEY] as IDataObject).hash;
		expect(await status(rig, headers(NEW))).toBe(200);
		expect((rig.workflow.nodeStaticData(TRIGGER)[VERIFIER_KEY] as IDataObject).hash).not.toBe(before);
		const other = await triggerRig(undefined, { parameters: PARAMETERS, credentials: credentials(value(NEW)), staticData: copyOf(rig.workflow.staticData) });
		const otherReads = jest.spyOn(other.workflow.credentialsHelper, 'getDecrypted');
		try {
			expect(await status(other, headers(NEW))).toBe(200);
			expect(otherReads).not.toHaveBeenCalled();
		} finally {
			await other.close();
		}
	});
});

it('a verifier made from another credential is not used: the node\'s credential is read at once', async () => {
	const first = await triggerRig(undefined, { parameters: PARAMETERS, credentials: basic(OLD) });
	await first.workflow.activate(TRIGGER);
	const switched = await triggerRig(undefined, {
		parameters: PARAMETERS,
		credentials: { azureDevOpsWebhookAuthApi: { id: 'hook-2', name: 'Another hook', data: { authType: 'basicAuth', user: USER, password: NEW } } },
		staticData: copyOf(first.workflow.staticData),
	});
	const reads = jest.spyOn(switched.workflow.credentialsHelper, 'getDecrypted');
	try {
		expect(await status(switched, { authorization: basicAuth(USER, OLD) })).toBe(401);
		expect(reads).toHaveBeenCalledTimes(1);
		expect(await status(switched, { authorization: basicAuth(USER, NEW) })).toBe(200);
	} finally {
		await first.close();
		await switched.close();
	}
});

it('activation with an incomplete credential fails with AZDC-3104, naming the field and not the value', async () => {
	const rig = await triggerRig(undefined, { parameters: PARAMETERS, credentials: basic('short') });
	try {
		await expect(rig.workflow.activate(TRIGGER)).rejects.toThrow(/AZDC-3104.*Password/);
	} finally {
		await rig.close();
	}
});
