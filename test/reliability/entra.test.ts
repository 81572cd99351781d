// Microsoft Entra sign-in under stress. Tokens that expire in the middle of a Create From Ticket batch lose no ticket and
// create none twice; and the service principal's secrets (client secret, certificate private key) and every access
// token the fake Entra ID issued appear in no output, error, execution data or log line, whether the run succeeds or
// fails, and no Bearer token reaches a host the credential does not list.
import type { ICredentialDataDecryptedObject, IDataObject, INodeParameters } from 'n8n-workflow';

import { AzureDevOpsManagedIdentityApi } from '../../credentials/AzureDevOpsManagedIdentityApi.credentials';
import { AzureDevOpsServicePrincipalApi } from '../../credentials/AzureDevOpsServicePrincipalApi.credentials';
import { AzureDevOpsConnector } from '../../nodes/AzureDevOpsConnector/AzureDevOpsConnector.node';
import { entraTokens } from '../../nodes/AzureDevOpsConnector/transport/entraToken';
import { useTransportClock } from '../../nodes/AzureDevOpsConnector/transport';
import { startEmulator, type BearerVerifier, type Emulator } from '../emulator';
import { startEntra, testCertificate, type EntraEmulator } from '../emulator/entra';
import { createFromTicket, createRequests, seedSettings, serviceDeskUrl, ticket } from '../nodes/create-from-ticket.support';
import { captureLogs, runNode, startLoopbackServer, testCredential, type LogCapture, type LoopbackServer, type RunResult } from '../support/n8n';
import { LeakScanner } from './support';

const NODE_TYPE = 'n8n-nodes-azure-devops-connector.azureDevOpsConnector';
const TENANT = '9e8d7c6b-0000-4d4d-8e8e-aabbccddeeff';
const APP = '1a2b3c4d-0000-4f4f-8a8a-0123456789ab';
const SIGNING_APP = '1a2b3c4d-1111-4f4f-8a8a-0123456789ab';
const CANARY_CLIENT = 'rlbcanary7sp2e4f6a8c0e1b3d5f7a9c1e3b5d7f9';
const IDENTITY = '1a2b3c4d-2222-4f4f-8a8a-0123456789ab';
const CANARY_IDENTITY_HEADER = 'rlbcanary7mi5d3c1b9a7f5e3d1c9b7a5f3e1';
const KEY = testCertificate().privateKey;
/** A line from the middle of the private key's PEM: if any of the key leaves, this does. */
const KEY_LINE = KEY.split('\n')[5];

let entra: EntraEmulator;
let emu: Emulator;
let logs: LogCapture;
let evil: LoopbackServer;
let restoreClock: () => void;
/** What the Azure DevOps emulator asks about a Bearer token; a test may put a fault in between. */
let verify: BearerVerifier;

beforeAll(async () => {
	logs = captureLogs();
	entra = await startEntra({
		apps: [
			{ tenantId: TENANT, clientId: APP, clientSecret: CANARY_CLIENT, organizations: ['fabrikam'] },
			{ tenantId: TENANT, clientId: SIGNING_APP, certificate: testCertificate().certificate, organizations: ['fabrikam'] },
		],
		managedIdentities: [{ tenantId: TENANT, clientId: IDENTITY, systemAssigned: true, organizations: ['fabrikam'] }],
		identityHeader: CANARY_IDENTITY_HEADER,
	});
	verify = entra.verifier;
	emu = await startEmulator({ bearer: (token, organization) => verify(token, organization), allowLocalhostConsumers: true });
	evil = await startLoopbackServer(() => ({ body: { value: [] } }));
	restoreClock = useTransportClock({ sleep: async () => {}, random: () => 0.5 });
});

afterAll(async () => {
	restoreClock();
	logs.restore();
	await evil.close();
	await emu.stop();
	await entra.close();
});

beforeEach(() => {
	emu.reset();
	entraTokens.clear();
	entra.requests.length = 0;
	verify = entra.verifier;
});

const credential = (overrides: IDataObject = {}): ICredentialDataDecryptedObject => ({
	tenantId: TENANT,
	clientId: APP,
	authMethod: 'clientSecret',
	clientSecret: CANARY_CLIENT,
	organizations: emu.orgUrl('fabrikam'),
	authorityHost: entra.url,
	allowHttp: true,
	...overrides,
});

const withCertificate = (overrides: IDataObject = {}) =>
	credential({ clientId: SIGNING_APP, authMethod: 'certificate', clientSecret: '', privateKey: KEY, certificate: testCertificate().certificate, ...overrides });

describe('tokens expiring in the middle of a Create From Ticket batch', () => {
	const tickets = Array.from({ length: 40 }, (_, i) => ticket(9000 + i));
	const batch = async () =>
		await createFromTicket(emu, {
			tickets,
			credentials: { azureDevOpsServicePrincipalApi: credential() },
			authentication: 'azureDevOpsServicePrincipalApi',
			parameters: { connectorSettings: seedSettings(serviceDeskUrl(emu)) },
			options: { concurrency: 8 },
		});

	/** Moves time an hour on once Azure DevOps has let `after` requests in (inside its request handling: deterministic). */
	function hourPassesAfter(after: number, alsoOnTheClient?: () => void): () => void {
		let admitted = 0;
		let moved = false;
		verify = (token, organization) => {
			const verdict = entra.verifier(token, organization);
			if (verdict.ok && ++admitted === after && !moved) {
				moved = true;
				entra.advance(3_600_000);
				alsoOnTheClient?.();
			}
			return verdict;
		};
		return () => {
			if (moved) entra.advance(-3_600_000);
		};
	}

	function expectEveryTicketOnceAndTheReRunFindsThem(first: Awaited<ReturnType<typeof batch>>) {
		expect(first.error).toBeUndefined();
		expect(first.items.map((item) => item.json.created)).toEqual(Array(40).fill(true));
		expect(first.items.map((item) => (item.json.ticket as IDataObject).id)).toEqual(tickets.map((t) => String(t.TicketID)));
		expect(new Set(first.items.map((item) => item.json.id)).size).toBe(40);
		expect(createRequests(emu).filter((r) => r.status === 200)).toHaveLength(40);
	}

	it('40 tickets, 8 at a time; Azure DevOps finds every token expired after its 30th request (a clock ahead of ours): the refused creates are sent again with one fresh token, none lost, none twice', async () => {
		const undo = hourPassesAfter(30);
		try {
			const first = await batch();
			expectEveryTicketOnceAndTheReRunFindsThem(first);
			const refused = createRequests(emu).filter((r) => r.status === 401);
			expect(refused.length).toBeGreaterThan(0);
			expect(createRequests(emu)).toHaveLength(40 + refused.length);
			// all the refused requests of the batch share one new token
			expect(entra.issued).toBe(2);
			const again = await batch();
			expect(again.items.map((item) => item.json.created)).toEqual(Array(40).fill(false));
			expect(createRequests(emu).filter((r) => r.status === 200)).toHaveLength(40);
		} finally {
			undo();
		}
	});

	it('the same hour passing on our clock too: the token is renewed before the next request; only those already in flight are refused (and sent again)', async () => {
		let now = Date.now();
		const restore = entraTokens.useClock({ now: () => now });
		const undo = hourPassesAfter(30, () => (now += 3_600_000));
		try {
			expectEveryTicketOnceAndTheReRunFindsThem(await batch());
			// at most the 8 requests in flight when the hour passed carried the old token
			expect(emu.requests().filter((r) => r.status === 401).length).toBeLessThanOrEqual(8);
			expect(entra.issued).toBe(2);
		} finally {
			undo();
			restore();
		}
	});
});

describe('secrets of a service principal go nowhere', () => {
	const scanner = () => new LeakScanner([CANARY_CLIENT, KEY_LINE, CANARY_IDENTITY_HEADER, ...entra.tokens()]);

	function scanRun(where: string, run: RunResult & { items?: unknown }, leaks: LeakScanner): void {
		leaks.scan(`${where}: output`, run.items);
		leaks.scan(`${where}: error`, run.error);
		leaks.scan(`${where}: execution data`, run.executionData);
		for (const runs of Object.values(run.runData)) for (const taskData of runs) leaks.scan(`${where}: node error`, taskData.error);
	}

	async function runAction(
		operation: string,
		parameters: INodeParameters,
		data: ICredentialDataDecryptedObject,
		type = 'azureDevOpsServicePrincipalApi',
	) {
		return await runNode({
			type: NODE_TYPE,
			nodeTypes: { [NODE_TYPE]: new AzureDevOpsConnector() },
			credentialTypes: [new AzureDevOpsServicePrincipalApi(), new AzureDevOpsManagedIdentityApi()],
			credentials: { [type]: data } as never,
			parameters: { authentication: type, resource: 'workItem', operation, ...parameters },
			continueOnFail: true,
		});
	}

	it('in success and in every failure: outputs, errors, execution data, credential tests and logs', async () => {
		const project = (url: string) => ({ __rl: true, mode: 'url', value: url });
		const fabrikam = project(`${emu.orgUrl('fabrikam')}/Fabrikam%20Fiber`);
		const runs: Array<[string, Awaited<ReturnType<typeof runAction>>]> = [];
		runs.push(['create (secret)', await runAction('create', { project: fabrikam, workItemType: 'Task', title: 'ok' }, credential())]);
		runs.push(['create (certificate)', await runAction('create', { project: fabrikam, workItemType: 'Task', title: 'ok' }, withCertificate())]);
		entraTokens.clear();
		runs.push(['wrong secret', await runAction('create', { project: fabrikam, workItemType: 'Task', title: 'x' }, credential({ clientSecret: `${CANARY_CLIENT}x` }))]);
		runs.push(['organization refuses', await runAction('get', { project: project(`${emu.orgUrl('contoso')}/Contoso%20Support`), workItem: { __rl: true, mode: 'id', value: '1' } }, credential({ organizations: emu.orgUrl('contoso') }))]);
		runs.push(['Entra unreachable', await runAction('get', { project: fabrikam, workItem: { __rl: true, mode: 'id', value: '1' } }, credential({ authorityHost: 'http://127.0.0.1:9' }))]);
		runs.push(['foreign host', await runAction('get', { project: project(`${evil.url}/fabrikam/Fabrikam%20Fiber`), workItem: { __rl: true, mode: 'id', value: '1' } }, credential())]);
		const identity = (overrides: IDataObject = {}) =>
			({ source: 'appService', identityEndpoint: entra.identityEndpoint, identityHeader: CANARY_IDENTITY_HEADER, organizations: emu.orgUrl('fabrikam'), allowHttp: true, ...overrides }) as ICredentialDataDecryptedObject;
		runs.push(['managed identity', await runAction('create', { project: fabrikam, workItemType: 'Task', title: 'mi' }, identity(), 'azureDevOpsManagedIdentityApi')]);
		runs.push(['managed identity, stale header', await runAction('get', { project: fabrikam, workItem: { __rl: true, mode: 'id', value: '1' } }, identity({ identityHeader: `${CANARY_IDENTITY_HEADER}0` }), 'azureDevOpsManagedIdentityApi')]);
		runs.push(['key not the certificate\'s', await runAction('get', { project: fabrikam, workItem: { __rl: true, mode: 'id', value: '1' } }, withCertificate({ certificate: testCertificate('other').certificate }))]);

		const leaks = scanner();
		for (const [where, run] of runs) scanRun(where, run, leaks);
		expect(runs[0][1].items[0].json.error).toBeUndefined();
		expect(runs.filter(([where]) => !where.startsWith('create') && where !== 'managed identity').every(([, run]) => run.items[0]?.json.error !== undefined)).toBe(true);
		expect(runs.find(([where]) => where === 'managed identity')![1].items[0].json.error).toBeUndefined();

		for (const data of [credential(), credential({ clientSecret: 'nope' }), credential({ organizations: `${emu.orgUrl('fabrikam')}\n${emu.orgUrl('contoso')}` }), withCertificate()]) {
			const result = await testCredential({
				type: 'azureDevOpsServicePrincipalApi',
				data,
				credentialTypes: [new AzureDevOpsServicePrincipalApi()],
				nodeTypes: { [NODE_TYPE]: new AzureDevOpsConnector() },
			});
			leaks.scan('credential test', result);
		}
		leaks.scanLogs('logs', logs.lines);
		expect(entra.tokens().length).toBeGreaterThan(3);
		expect(leaks.stringsScanned).toBeGreaterThan(1000);
		expect(leaks.leaks).toEqual([]);
		// and nothing, token or not, went to the host the credential does not list
		expect(evil.requests).toEqual([]);
		// the emulators record who, never what: no request record holds a token or the secret
		leaks.scan('emulator records', emu.requests());
		leaks.scan('entra records', entra.requests);
		expect(leaks.leaks).toEqual([]);
	});
});
