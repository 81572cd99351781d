// Issue 8, item 4. Secrets. Canary Personal Access Tokens are used for every organization here; whatever the nodes do,
// succeed or fail, the canaries must never appear in a node's output, an error's message or description, n8n's
// execution data, a webhook answer or any log line. A token goes only to its own organization: not to a URL that
// differs by case, a trailing dot, a user name before the host, an encoded slash, not after a redirect, and not to a
// host that connector settings, a project URL or a delivery name unless the credential itself names that host.
import fc from 'fast-check';
import type { IDataObject, INodeParameters } from 'n8n-workflow';

import { AzureDevOpsApi } from '../../credentials/AzureDevOpsApi.credentials';
import { AzureDevOpsMultiOrgApi } from '../../credentials/AzureDevOpsMultiOrgApi.credentials';
import { AzureDevOpsWebhookAuthApi } from '../../credentials/AzureDevOpsWebhookAuthApi.credentials';
import { AzureDevOpsConnector } from '../../nodes/AzureDevOpsConnector/AzureDevOpsConnector.node';
import { AzureDevOpsConnectorTrigger } from '../../nodes/AzureDevOpsConnector/AzureDevOpsConnectorTrigger.node';
import {
	authenticateForOrganization,
	parseOrganizationTokens,
} from '../../nodes/AzureDevOpsConnector/connector/organizationTokens';
import { useTransportClock } from '../../nodes/AzureDevOpsConnector/transport';
import type { Emulator } from '../emulator';
import {
	captureLogs,
	runNode,
	startLoopbackServer,
	testCredential,
	type LogCapture,
	type LoopbackServer,
	type RunResult,
	type WebhookResult,
} from '../support/n8n';
import { createFromTicket, seedSettings, serviceDeskUrl, ticket } from '../nodes/create-from-ticket.support';
import { TRIGGER, TRIGGER_TYPE, basicAuth, sample, triggerRig, type TriggerRig } from '../nodes/trigger.support';
import {
	ALL_CANARIES,
	CANARY_HOOK_BASIC,
	CANARY_PAT,
	CANARY_PAT_CONTOSO,
	CANARY_PAT_SERVER,
	LeakScanner,
	ReliabilityCounts,
	SEED,
	canaryEmulator,
	fcOptions,
	secretForms,
} from './support';
import { locationList } from '../support/locations';

const NODE_TYPE = 'n8n-nodes-azure-devops-connector.azureDevOpsConnector';
const HOOK_USER = 'azure-devops';
const HOOK_AUTH = { authorization: basicAuth(HOOK_USER, CANARY_HOOK_BASIC) };

const counts = new ReliabilityCounts('secrets');
const scanner = new LeakScanner();
let emu: Emulator;
let logs: LogCapture;
/** A host that is not Azure DevOps: it records everything it gets and must get nothing carrying a token. */
let evil: LoopbackServer;
/** Organizations /alpha and /beta on one host; /alpha redirects (to evil, or to /beta) when asked to. */
let redirector: LoopbackServer;
let restoreClock: () => void;

beforeAll(async () => {
	logs = captureLogs();
	emu = await canaryEmulator({ seed: SEED });
	evil = await startLoopbackServer(() => ({ body: { count: 0, value: [], authenticatedUser: { id: 'x' } } }));
	redirector = await startLoopbackServer((request) => {
		// /alpha tells its API versions like any organization; its other routes redirect.
		if (request.method === 'OPTIONS' && request.url.split('?')[0] === '/alpha/_apis') return { body: locationList() };
		if (request.url.startsWith('/alpha/')) {
			const toOtherOrganization = request.url.includes('to-beta') || request.url.includes('connectionData');
			return {
				status: 302,
				headers: { location: toOtherOrganization ? '/beta/_apis/connectionData?api-version=7.1' : `${evil.url}/stolen` },
				body: '',
			};
		}
		return { body: { authenticatedUser: { id: 'beta' }, id: 5, rev: 1, fields: {} } };
	});
	restoreClock = useTransportClock({ sleep: async () => {}, random: () => 0.5 });
});

afterAll(async () => {
	restoreClock();
	counts.set('logLinesScanned', logs.lines.length);
	logs.restore();
	counts.set('stringsScanned', scanner.stringsScanned);
	counts.set('leaks', scanner.leaks.length);
	counts.report();
	await evil.close();
	await redirector.close();
	await emu.stop();
});

/** Scans everything a run leaves behind: output items, the error, n8n's whole execution data. */
function scanRun(where: string, run: RunResult & { items?: unknown }): void {
	counts.add('runsScanned');
	scanner.scan(`${where}: output`, run.items);
	scanner.scan(`${where}: error`, run.error);
	scanner.scan(`${where}: execution data`, run.executionData);
	for (const runs of Object.values(run.runData)) for (const taskData of runs) scanner.scan(`${where}: node error`, taskData.error);
}

function scanDelivery(where: string, result: WebhookResult): void {
	counts.add('deliveriesTried');
	scanner.scan(`${where}: answer`, result.response);
	scanner.scan(`${where}: items`, result.workflowData);
	scanner.scan(`${where}: thrown`, result.error);
}

/** Basic auth headers that carry a canary token (an empty user name, as a PAT is sent). */
function carriesCanary(headers: Record<string, unknown>): boolean {
	const authorization = String(headers.authorization ?? '');
	return ALL_CANARIES.some((canary) => secretForms(canary).some((form) => authorization.includes(form)));
}

function evilGotNothing(): void {
	const withToken = evil.requests.filter((request) => carriesCanary(request.headers));
	counts.add('tokensSentToWrongHost', withToken.length);
	expect(evil.requests).toEqual([]);
}

async function runAction(operation: string, parameters: INodeParameters, credentials: Record<string, IDataObject>, continueOnFail = false) {
	const multi = 'azureDevOpsMultiOrgApi' in credentials;
	const run = await runNode({
		type: NODE_TYPE,
		nodeTypes: { [NODE_TYPE]: new AzureDevOpsConnector() },
		credentialTypes: [new AzureDevOpsApi(), new AzureDevOpsMultiOrgApi()],
		credentials: credentials as never,
		parameters: { authentication: multi ? 'azureDevOpsMultiOrgApi' : 'azureDevOpsApi', resource: 'workItem', operation, ...parameters },
		continueOnFail,
	});
	scanRun(`${operation}`, run);
	return run;
}

const fabrikam = () => ({ azureDevOpsApi: { organizationUrl: emu.orgUrl('fabrikam'), accessToken: CANARY_PAT, allowHttp: true } });
const bothOrganizations = () => ({
	azureDevOpsMultiOrgApi: {
		organizations: `${emu.orgUrl('fabrikam')}\n${emu.orgUrl('contoso')}`,
		accessTokens: `${CANARY_PAT},${CANARY_PAT_CONTOSO}`,
		allowHttp: true,
	},
});
const projectUrl = (url: string) => ({ __rl: true, mode: 'url', value: url });
const byId = (id: number | string) => ({ __rl: true, mode: 'id', value: String(id) });

describe('the scanner', () => {
	it('finds a token written out, URL-encoded, or inside base64 at any offset', () => {
		const probe = new LeakScanner([CANARY_PAT]);
		const hidden = [
			`token=${CANARY_PAT}`,
			encodeURIComponent(`a b ${CANARY_PAT}`),
			`Basic ${Buffer.from(`:${CANARY_PAT}`).toString('base64')}`,
			Buffer.from(`user:${CANARY_PAT}`).toString('base64'),
			Buffer.from(`xy:${CANARY_PAT}`).toString('base64'),
		];
		const error = new Error('outer', { cause: { config: { auth: { password: CANARY_PAT } } } });
		expect(probe.scan('strings', hidden)).toBeGreaterThanOrEqual(hidden.length);
		expect(probe.scan('error cause', error)).toBe(1);
		expect(probe.scan('buffer', { body: Buffer.from(CANARY_PAT) })).toBe(1);
		expect(probe.scan('clean', { message: 'nothing here', token: 'rlbcanary7pat' })).toBe(0);
	});
});

describe('the canary PAT never shows up in outputs, errors, execution data or logs', () => {
	beforeEach(() => emu.reset());

	it('Create From Ticket: created, re-run, rejected field, foreign organization, refused token, lost connection, bad settings', async () => {
		const credentials = fabrikam();
		scanRun('create', await createFromTicket(emu, { tickets: [ticket(1), ticket(2)], credentials }));
		scanRun('re-run', await createFromTicket(emu, { tickets: [ticket(1)], credentials }));
		const rejected = await createFromTicket(emu, {
			tickets: [ticket(3, { Area: 'Nowhere\\At all' })],
			parameters: { connectorSettings: seedSettings(serviceDeskUrl(emu), { AttributeMap: { 'System.Title': '[$TicketTitle$]', 'System.AreaPath': '[$Area$]', 'System.WorkItemType': 'Task' } }) },
			credentials,
		});
		scanRun('rejected', rejected);
		expect(rejected.error?.message).toContain('AZDC-4010');
		const foreign = await createFromTicket(emu, { tickets: [ticket(4)], parameters: { connectorSettings: seedSettings(`${emu.orgUrl('contoso')}/Contoso%20Support`) }, credentials });
		scanRun('foreign', foreign);
		expect(foreign.error?.message).toContain('AZDC-4001');
		const refused = await createFromTicket(emu, {
			tickets: [ticket(5)],
			parameters: { connectorSettings: seedSettings(`${emu.orgUrl('contoso')}/Contoso%20Support`) },
			credentials: { azureDevOpsApi: { organizationUrl: emu.orgUrl('contoso'), accessToken: CANARY_PAT, allowHttp: true } },
			continueOnFail: true,
		});
		scanRun('refused token', refused);
		expect(refused.items[0].json.code).toBe('AZDC-4015');
		emu.faults.add({ kind: 'drop', match: { method: 'POST' } });
		const lost = await createFromTicket(emu, { tickets: [ticket(6)], credentials, options: { retryAttempts: 2 } });
		scanRun('lost', lost);
		expect(lost.error).toBeDefined();
		emu.faults.clear();
		// The seed calls the token index "AccessToken": someone will paste the token itself there. The settings are then
		// part of the workflow (n8n keeps node parameters with it), but no message, description or output may repeat it.
		for (const settings of [seedSettings(serviceDeskUrl(emu), { AccessToken: CANARY_PAT }), `{"URL": "${serviceDeskUrl(emu)}", "AccessToken": "${CANARY_PAT}", "AttributeMap": {`]) {
			const pasted = await createFromTicket(emu, { tickets: [ticket(7)], parameters: { connectorSettings: settings }, credentials, continueOnFail: true });
			counts.add('runsScanned');
			scanner.scan('pasted token: output', pasted.items);
			const error = pasted.runData.Node?.[0]?.error;
			scanner.scan('pasted token: error', { message: error?.message, description: error?.description, context: error?.context });
			expect(String(pasted.items[0].json.code)).toMatch(/^AZDC-10(01|20)$/);
		}
		expect(scanner.leaks).toEqual([]);
	});

	it('work item operations: get, update, search, comment, change state, delete, and their failures', async () => {
		const credentials = fabrikam();
		const project = projectUrl(serviceDeskUrl(emu));
		const created = emu.createWorkItem('Service Desk', 'Task', { 'System.Title': 'Printer', 'System.Tags': 'Ticket:9' });
		const id = created.id as number;
		await runAction('get', { project, workItem: byId(id) }, credentials);
		await runAction('update', { project, workItem: byId(id), fields: { field: [{ name: 'System.Title', value: 'Printer 2' }] } }, credentials);
		await runAction('search', { project, searchBy: 'filters', filters: { titleContains: "O'Brien" }, returnAll: true }, credentials);
		await runAction('search', { project, searchBy: 'wiql', wiql: 'SELECT nonsense', returnAll: true }, credentials, true);
		await runAction('addComment', { project, workItem: byId(id), text: 'Hello' }, credentials);
		await runAction('changeState', { project, workItem: byId(id), state: 'Nowhere' }, credentials, true);
		await runAction('get', { project, workItem: byId(99_999) }, credentials, true);
		const wrongToken = await runAction('get', { project, workItem: byId(id) }, { azureDevOpsApi: { organizationUrl: emu.orgUrl('fabrikam'), accessToken: CANARY_PAT_CONTOSO, allowHttp: true } }, true);
		expect(wrongToken.items[0].json.code).toBe('AZDC-4015');
		await runAction('delete', { project, workItem: byId(id) }, credentials);
		emu.faults.add({ kind: 'dropAfterCommit' });
		const dropped = await runAction('get', { project, workItem: byId(id) }, credentials, true);
		expect(String(dropped.items[0].json.code)).toMatch(/^AZDC-40/);
		emu.faults.clear();
		expect(counts.values.runsScanned).toBeGreaterThanOrEqual(10);
		expect(scanner.leaks).toEqual([]);
	});

	it('the trigger: registration, deliveries, a failed work item read, invalid settings, and a failed removal', async () => {
		const rig = await triggerRig(emu, {
			parameters: { events: ['workitem.updated'], workItemEndState: 'Closed', endState: 'Return from DevOps', onlyStateChanges: false },
			credentials: { azureDevOpsApi: { id: 'ado', name: 'Fabrikam', data: { organizationUrl: emu.orgUrl('fabrikam'), accessToken: CANARY_PAT, allowHttp: true } } },
		});
		try {
			expect(await rig.workflow.activate(TRIGGER)).toEqual({ existed: false, created: true });
			const id = emu.createWorkItem('Service Desk', 'Task', { 'System.Title': 'Printer', 'System.Tags': 'Ticket:11' }).id as number;
			emu.updateWorkItem(id, { 'System.State': 'Closed' });
			await emu.hooks.flush();
			expect(rig.results.filter((result) => result.workflowData)).toHaveLength(1);
			// A Minimal delivery for a work item that is gone: the read fails, the reason is in the item.
			const subscription = emu.hooks.subscriptions('fabrikam')[0];
			subscription.consumerInputs.resourceDetailsToSend = 'minimal';
			const gone = emu.createWorkItem('Service Desk', 'Task', { 'System.Title': 'Gone' }).id as number;
			emu.updateWorkItem(gone, { 'System.State': 'Active' });
			emu.deleteWorkItem(gone, { destroy: true });
			await emu.hooks.flush();
			for (const result of rig.results) scanDelivery('trigger', result);
			const readFailed = rig.results.find((result) => JSON.stringify(result.workflowData ?? '').includes('AZDC-3103'));
			expect(readFailed).toBeDefined();
			// Static data holds the generated hook secret (by design), never the PAT.
			const probe = new LeakScanner([CANARY_PAT, CANARY_PAT_CONTOSO, CANARY_PAT_SERVER]);
			expect(probe.scan('static data', rig.workflow.nodeStaticData(TRIGGER))).toBe(0);
			// Removal fails: Azure DevOps answers 500 (the subscription ids are kept for the next try).
			emu.faults.add({ kind: 'status', status: 500, match: { method: 'DELETE' } });
			expect(await rig.workflow.deactivate(TRIGGER)).toBe(false);
			emu.faults.clear();
			expect(await rig.workflow.deactivate(TRIGGER)).toBe(true);
		} finally {
			await rig.close();
		}
		// Invalid trigger settings: answered 503, and logged.
		const broken = await triggerRig(emu, {
			parameters: {
				registerSubscription: false,
				deliveryAuthentication: 'credential',
				workItemEndState: 'Closed',
				endState: 'Return',
				stateMap: { row: [{ devOpsState: 'Closed', ticketState: 'Other' }] },
			},
			credentials: {
				azureDevOpsApi: { id: 'ado', name: 'Fabrikam', data: { organizationUrl: emu.orgUrl('fabrikam'), accessToken: CANARY_PAT, allowHttp: true } },
				azureDevOpsWebhookAuthApi: { id: 'hook', name: 'Hook', data: { authType: 'basicAuth', user: HOOK_USER, password: CANARY_HOOK_BASIC } },
			},
		});
		try {
			const result = await broken.workflow.webhook(TRIGGER, { headers: HOOK_AUTH, body: sample('workitem.updated') });
			scanDelivery('broken trigger', result);
			expect(result.response.status).toBe(503);
		} finally {
			await broken.close();
		}
		expect(logs.lines.some((line) => line.level === 'error' && line.message.includes('AZDC-'))).toBe(true);
		expect(scanner.leaks).toEqual([]);
	});

	it('credential tests: wrong token, no organization, unreachable host; one and several organizations', async () => {
		const nodeTypes = { [NODE_TYPE]: new AzureDevOpsConnector(), [TRIGGER_TYPE]: new AzureDevOpsConnectorTrigger() };
		const credentialTypes = [new AzureDevOpsApi(), new AzureDevOpsMultiOrgApi(), new AzureDevOpsWebhookAuthApi()];
		const results = [
			await testCredential({ type: 'azureDevOpsApi', data: { organizationUrl: emu.orgUrl('fabrikam'), accessToken: CANARY_PAT, allowHttp: true }, credentialTypes, nodeTypes }),
			await testCredential({ type: 'azureDevOpsApi', data: { organizationUrl: emu.orgUrl('fabrikam'), accessToken: CANARY_PAT_CONTOSO, allowHttp: true }, credentialTypes, nodeTypes }),
			await testCredential({ type: 'azureDevOpsApi', data: { organizationUrl: `${emu.url}/nobody`, accessToken: CANARY_PAT, allowHttp: true }, credentialTypes, nodeTypes }),
			await testCredential({ type: 'azureDevOpsApi', data: { organizationUrl: 'http://127.0.0.1:9/org', accessToken: CANARY_PAT, allowHttp: true }, credentialTypes, nodeTypes }),
			await testCredential({
				type: 'azureDevOpsMultiOrgApi',
				data: { organizations: `${emu.orgUrl('fabrikam')}\n${emu.orgUrl('contoso')}\nhttp://127.0.0.1:9/org`, accessTokens: `${CANARY_PAT_CONTOSO},${CANARY_PAT},${CANARY_PAT_SERVER}`, allowHttp: true },
				credentialTypes,
				nodeTypes,
			}),
			await testCredential({ type: 'azureDevOpsMultiOrgApi', data: { organizations: emu.orgUrl('fabrikam'), accessTokens: `${CANARY_PAT},${CANARY_PAT_CONTOSO}`, allowHttp: true }, credentialTypes, nodeTypes }),
			await testCredential({ type: 'azureDevOpsWebhookAuthApi', data: { authType: 'basicAuth', user: HOOK_USER, password: 'short' }, credentialTypes, nodeTypes }),
		];
		expect(results.map((result) => result.status)).toEqual(['OK', 'Error', 'Error', 'Error', 'Error', 'Error', 'Error']);
		scanner.scan('credential tests', results);
		counts.add('credentialTests', results.length);
		expect(scanner.leaks).toEqual([]);
	});
});

describe('a token goes only to its own organization', () => {
	const ALPHA = 'rlbcanary7alpha0000000000000000000000';
	const BETA = 'rlbcanary7beta00000000000000000000000';
	const COLL_A = 'rlbcanary7colla0000000000000000000000';
	const COLL_B = 'rlbcanary7collb0000000000000000000000';
	const entries = parseOrganizationTokens(
		'https://dev.azure.com/alpha\nhttps://beta.visualstudio.com\nhttps://tfs.contoso.local/tfs/CollA\nhttps://tfs.contoso.local/tfs/CollB',
		[ALPHA, BETA, COLL_A, COLL_B].join(','),
	);
	const tokenFor = (url: string): string => {
		counts.add('urlsChecked');
		try {
			return authenticateForOrganization(entries, { url }).auth.password;
		} catch (error) {
			return `refused ${(error as { code?: string }).code}`;
		}
	};

	it.each([
		['https://dev.azure.com/alpha/_apis/wit/workitems/1', ALPHA],
		['https://DEV.AZURE.COM/ALPHA/_apis/wit/workitems/1', ALPHA],
		['https://dev.azure.com/Beta/_apis/projects', BETA],
		['https://beta.visualstudio.com/_apis/projects', BETA],
		['https://alpha.visualstudio.com/DefaultCollection/_apis', ALPHA],
		['https://vssps.dev.azure.com/alpha/_apis/connectionData', ALPHA],
		['https://dev.azure.com./alpha/_apis', ALPHA],
		['https://dev.azure.com/alpha/../beta/_apis', BETA],
		['https://tfs.contoso.local/tfs/CollA/_apis', COLL_A],
		['https://TFS.CONTOSO.LOCAL./tfs/collb/_apis', COLL_B],
		['https://tfs.contoso.local/tfs/CollA/../CollB/_apis', COLL_B],
		// Not theirs: another organization, another host, user info, an encoded slash, another scheme or port.
		['https://dev.azure.com/gamma/_apis', 'refused AZDC-4001'],
		['https://dev.azure.com/alphabeta/_apis', 'refused AZDC-4001'],
		['https://dev.azure.com/alpha/%2e%2e/gamma/_apis', 'refused AZDC-4001'],
		['https://dev.azure.com/alpha\\..\\gamma/_apis', 'refused AZDC-4001'],
		['https://dev.azure.com/alpha%2F..%2Fgamma/_apis', 'refused AZDC-4001'],
		['https://dev.azure.com/alpha%2fbeta/_apis', 'refused AZDC-4001'],
		['https://dev.azure.com/alpha/..%2Fgamma/_apis', 'refused AZDC-4001'],
		['https://dev.azure.com@evil.example/alpha/_apis', 'refused AZDC-4001'],
		['https://alpha@dev.azure.com/alpha/_apis', 'refused AZDC-4001'],
		['https://:x@dev.azure.com/alpha/_apis', 'refused AZDC-4001'],
		['https://dev.azure.com.evil.example/alpha/_apis', 'refused AZDC-4001'],
		['https://evil.example/dev.azure.com/alpha/_apis', 'refused AZDC-4001'],
		['https://evil.example#@dev.azure.com/alpha', 'refused AZDC-4001'],
		['https://alpha.visualstudio.com.evil.example/_apis', 'refused AZDC-4001'],
		['https://dev.\u0430zure.com/alpha/_apis', 'refused AZDC-4001'],
		['http://dev.azure.com/alpha/_apis', 'refused AZDC-4001'],
		['https://dev.azure.com:8443/alpha/_apis', 'refused AZDC-4001'],
		['https://tfs.contoso.local/tfs/CollC/_apis', 'refused AZDC-4001'],
		['https://tfs.contoso.local:8443/tfs/CollA/_apis', 'refused AZDC-4001'],
		['https://tfs.contoso.local/tfs/CollA%2F..%2FCollC/_apis', 'refused AZDC-4001'],
		['https://tfs.contoso.local.evil.example/tfs/CollA/_apis', 'refused AZDC-4001'],
		['//dev.azure.com/alpha/_apis', 'refused AZDC-4005'],
		['/alpha/_apis', 'refused AZDC-4005'],
	])('%s → %s', (url, expected) => {
		expect(tokenFor(url)).toBe(expected);
	});

	it(`random URLs built from tricky pieces: a token is only ever given for its own organization (seed ${SEED})`, () => {
		const ownerOf = new Map([[ALPHA, 'alpha'], [BETA, 'beta'], [COLL_A, 'colla'], [COLL_B, 'collb']]);
		const url = fc
			.record({
				scheme: fc.constantFrom('https://', 'http://', 'HTTPS://', '//'),
				userinfo: fc.constantFrom('', '', '', 'alpha@', 'dev.azure.com@', ':pat@', 'a:b@'),
				host: fc.constantFrom('dev.azure.com', 'DEV.Azure.com', 'dev.azure.com.', 'alpha.visualstudio.com', 'beta.visualstudio.com', 'vsrm.dev.azure.com', 'tfs.contoso.local', 'TFS.contoso.local.', 'evil.example', 'dev.azure.com.evil.example', 'alpha.visualstudio.com.evil.example', 'dev.azure.com%2F@evil.example'),
				port: fc.constantFrom('', '', ':443', ':8443', ':80'),
				segments: fc.array(fc.constantFrom('alpha', 'ALPHA', 'beta', 'gamma', 'tfs', 'CollA', 'collb', 'CollC', '..', '.', '%2e%2e', 'alpha%2Fbeta', 'alpha%2F..%2Fgamma', '%2F', 'a\\..\\gamma', '_apis', 'DefaultCollection', '%61lpha', 'alpha;beta', 'alpha?x=', 'alpha#'), { maxLength: 5 }),
			})
			.map(({ scheme, userinfo, host, port, segments }) => `${scheme}${userinfo}${host}${port}/${segments.join('/')}`);
		fc.assert(
			fc.property(url, (candidate) => {
				const given = tokenFor(candidate);
				if (given.startsWith('refused')) return;
				// What the HTTP client will really contact: no user info, the organization's host, its path.
				const target = new URL(candidate);
				const owner = ownerOf.get(given)!;
				expect(target.username + target.password).toBe('');
				const host = target.hostname.toLowerCase().replace(/\.$/, '');
				const path = target.pathname.split('/').filter(Boolean).map((segment) => decodeURIComponent(segment).toLowerCase());
				if (owner === 'alpha' || owner === 'beta') {
					expect(target.protocol).toBe('https:');
					expect(target.port).toBe('');
					if (host === `${owner}.visualstudio.com`) return;
					expect(host === 'dev.azure.com' || host.endsWith('.dev.azure.com')).toBe(true);
					expect(path[0]).toBe(owner);
				} else {
					expect([host, target.port, path[0], path[1]]).toEqual(['tfs.contoso.local', '', 'tfs', owner]);
				}
			}),
			fcOptions(20_000),
		);
	});

	// The refusal is a CredentialRefusal (so n8n's credential test shows its words) whose cause carries the code.
	it('the credential classes themselves refuse a foreign URL, whichever node uses them', async () => {
		await expect(
			new AzureDevOpsApi().authenticate({ organizationUrl: 'https://tfs.contoso.local/tfs/CollA', accessToken: CANARY_PAT }, { url: 'https://evil.example/tfs/CollA/_apis' }),
		).rejects.toMatchObject({ cause: { code: 'AZDC-4001' } });
		await expect(
			new AzureDevOpsMultiOrgApi().authenticate(
				{ organizations: 'https://dev.azure.com/alpha\nhttps://dev.azure.com/beta', accessTokens: `${CANARY_PAT},${CANARY_PAT_CONTOSO}` },
				{ url: 'https://dev.azure.com@evil.example/alpha/_apis' },
			),
		).rejects.toMatchObject({ cause: { code: 'AZDC-4001' } });
	});

	it('over the wire, with two organizations on one host: each request carries its own organization\'s token', async () => {
		emu.reset();
		const credentials = bothOrganizations();
		emu.createWorkItem('Service Desk', 'Task', { 'System.Title': 'Fabrikam printer' });
		emu.createWorkItem('Contoso Support', 'Task', { 'System.Title': 'Contoso printer' }, { organization: 'contoso' });
		const base = emu.url;
		const cases: Array<[string, string | 'refused']> = [
			[`${base}/fabrikam/Service%20Desk`, 'fabrikam#0'],
			[`${base}/FABRIKAM/Service%20Desk`, 'fabrikam#0'],
			[`${base}/Contoso/Contoso%20Support`, 'contoso#0'],
			[`${base}/fabrikam/../contoso/Contoso%20Support`, 'contoso#0'],
			[`${base}/gamma/Service%20Desk`, 'refused'],
			[`${base}/fabrikam%2F..%2Fcontoso/Contoso%20Support`, 'refused'],
			[`${base.replace('http://', 'http://contoso@')}/contoso/Contoso%20Support`, 'refused'],
			[`${base.replace('http://', 'http://fabrikam:x@')}/fabrikam/Service%20Desk`, 'refused'],
		];
		for (const [url, expected] of cases) {
			const before = emu.requests().length;
			const run = await runAction('get', { project: projectUrl(url), workItem: byId(1) }, credentials, true);
			const sent = emu.requests().slice(before);
			if (expected === 'refused') {
				expect({ url, sent: sent.length }).toEqual({ url, sent: 0 });
				expect(String(run.items[0].json.code)).toMatch(/^AZDC-(4001|1013|1011|1090)$/);
			} else {
				// The emulator answered with the token it recognised for that organization: never a 401. The first request
				// to an organization also learns its API versions (OPTIONS /_apis) - with the same token.
				const read = sent.filter((r) => r.method !== 'OPTIONS');
				expect({ url, tokens: sent.map((r) => r.token), statuses: sent.map((r) => r.status) }).toEqual({
					url,
					tokens: sent.map(() => expected),
					statuses: sent.map(() => 200),
				});
				expect({ url, reads: read.length }).toEqual({ url, reads: 1 });
			}
		}
		counts.add('wireChecks', cases.length);
		expect(scanner.leaks).toEqual([]);
	});

	it('a delivery naming another organization or host gets the trigger to send nothing there', async () => {
		emu.reset();
		evil.requests.length = 0;
		const rig = await triggerRig(emu, {
			parameters: { authentication: 'azureDevOpsMultiOrgApi', project: '', registerSubscription: false, deliveryAuthentication: 'credential', onlyStateChanges: false },
			credentials: {
				azureDevOpsMultiOrgApi: { id: 'multi', name: 'Both', data: bothOrganizations().azureDevOpsMultiOrgApi },
				azureDevOpsWebhookAuthApi: { id: 'hook', name: 'Hook', data: { authType: 'basicAuth', user: HOOK_USER, password: CANARY_HOOK_BASIC } },
			},
		});
		try {
			const id = emu.createWorkItem('Contoso Support', 'Task', { 'System.Title': 'Contoso printer', 'System.Tags': 'Ticket:77' }, { organization: 'contoso' }).id as number;
			const minimal = (baseUrl: string, notificationId: number) => ({
				eventType: 'workitem.updated',
				notificationId,
				resource: { id: 2, workItemId: id, rev: notificationId, url: `${baseUrl}/_apis/wit/workItems/${id}/updates/2` },
				resourceContainers: { collection: { id: 'c', baseUrl: `${baseUrl}/` } },
			});
			const organizations = [
				[`${emu.url}/contoso`, 'read with contoso\'s token'],
				[`${emu.url}/gamma`, 'refused'],
				[evil.url, 'refused'],
				[`${evil.url}/contoso`, 'refused'],
				[`${emu.url.replace('http://', 'http://fabrikam@')}/fabrikam`, 'refused'],
				[`${emu.url}/fabrikam%2F..%2Fcontoso`, 'refused'],
			];
			for (const [index, [baseUrl, expected]] of organizations.entries()) {
				const before = emu.requests().length;
				const result = await rig.workflow.webhook(TRIGGER, { headers: HOOK_AUTH, body: minimal(baseUrl, 10 + index) });
				scanDelivery('delivery with organization', result);
				const item = result.workflowData?.[0][0].json;
				const sent = emu.requests().slice(before);
				if (expected === 'refused') {
					expect({ baseUrl, sent: sent.length, reason: String((item?.ticket as IDataObject | undefined)?.reason) }).toEqual({
						baseUrl,
						sent: 0,
						reason: expect.stringMatching(/AZDC-3103.*AZDC-400[15]|AZDC-3103.*AZDC-1013/),
					});
				} else {
					expect(sent.map((r) => [r.token, r.status])).toEqual([['contoso#0', 200]]);
					expect((item?.ticket as IDataObject).id).toBe('77');
				}
			}
			evilGotNothing();
		} finally {
			await rig.close();
		}
	});
});

describe('redirects are never followed with a token', () => {
	beforeEach(() => {
		evil.requests.length = 0;
		redirector.requests.length = 0;
	});

	/** Requests that reached /beta (another organization) or evil carrying a token. */
	function tokensThatWentElsewhere(): number {
		const elsewhere = [...evil.requests, ...redirector.requests.filter((r) => r.url.startsWith('/beta'))].filter((r) => carriesCanary(r.headers));
		counts.add('tokensSentToWrongHost', elsewhere.length);
		return elsewhere.length;
	}

	it('an operation: the 302 is reported (AZDC-4017) and not followed, to another host or to another organization', async () => {
		const credentials = { azureDevOpsApi: { organizationUrl: `${redirector.url}/alpha`, accessToken: CANARY_PAT, allowHttp: true } };
		const project = { __rl: true, mode: 'name', value: 'P' };
		const toEvil = await runAction('get', { project, workItem: byId(5) }, credentials, true);
		const toBeta = await runAction('get', { project: { ...project, value: 'to-beta' }, workItem: byId(5) }, credentials, true);
		expect([toEvil.items[0].json.code, toBeta.items[0].json.code]).toEqual(['AZDC-4017', 'AZDC-4017']);
		expect(redirector.requests.map((r) => `${r.method} ${r.url.split('?')[0]}`)).toEqual([
			'OPTIONS /alpha/_apis',
			'GET /alpha/P/_apis/wit/workitems/5',
			'GET /alpha/to-beta/_apis/wit/workitems/5',
		]);
		expect(tokensThatWentElsewhere()).toBe(0);
		evilGotNothing();
	});

	it('the credential test of one organization', async () => {
		const result = await testCredential({
			type: 'azureDevOpsApi',
			data: { organizationUrl: `${redirector.url}/alpha`, accessToken: CANARY_PAT, allowHttp: true },
			credentialTypes: [new AzureDevOpsApi()],
		});
		scanner.scan('credential test', result);
		expect(result).toEqual({ status: 'Error', message: expect.stringMatching(/^Azure DevOps answered with a redirect \(302\), which is not followed/) });
		expect(redirector.requests.map((r) => r.url.split('?')[0])).toEqual(['/alpha/_apis/connectionData']);
		expect(tokensThatWentElsewhere()).toBe(0);
		evilGotNothing();
	});

	it('the credential test of several organizations', async () => {
		const result = await testCredential({
			type: 'azureDevOpsMultiOrgApi',
			data: { organizations: `${redirector.url}/alpha\n${redirector.url}/beta`, accessTokens: `${CANARY_PAT},${CANARY_PAT_CONTOSO}`, allowHttp: true },
			credentialTypes: [new AzureDevOpsMultiOrgApi()],
			nodeTypes: { [NODE_TYPE]: new AzureDevOpsConnector() },
		});
		scanner.scan('credential test', result);
		expect(result.status).toBe('Error');
		// beta was asked once, with its own token; alpha's token never reached beta.
		const beta = redirector.requests.filter((r) => r.url.startsWith('/beta'));
		expect(beta.map((r) => r.headers.authorization)).toEqual([basicAuth('', CANARY_PAT_CONTOSO)]);
		evilGotNothing();
	});

	it('the trigger reading a work item', async () => {
		const rig: TriggerRig = await triggerRig(emu, {
			parameters: { project: { __rl: true, mode: 'name', value: 'P' }, registerSubscription: false, deliveryAuthentication: 'credential', onlyStateChanges: false },
			credentials: {
				azureDevOpsApi: { id: 'ado', name: 'Alpha', data: { organizationUrl: `${redirector.url}/alpha`, accessToken: CANARY_PAT, allowHttp: true } },
				azureDevOpsWebhookAuthApi: { id: 'hook', name: 'Hook', data: { authType: 'basicAuth', user: HOOK_USER, password: CANARY_HOOK_BASIC } },
			},
		});
		try {
			const result = await rig.workflow.webhook(TRIGGER, {
				headers: HOOK_AUTH,
				body: { eventType: 'workitem.updated', notificationId: 1, resource: { id: 2, workItemId: 5, rev: 2 } },
			});
			scanDelivery('trigger redirect', result);
			expect(String(((result.workflowData?.[0][0].json.ticket ?? {}) as IDataObject).reason)).toContain('AZDC-4017');
			expect(tokensThatWentElsewhere()).toBe(0);
			evilGotNothing();
		} finally {
			await rig.close();
		}
	});
});

describe('settings pointing at a host the credential does not name', () => {
	beforeEach(() => {
		emu.reset();
		evil.requests.length = 0;
	});

	it('Connector Settings with another host are refused before anything is sent (AZDC-4001)', async () => {
		for (const url of [`${evil.url}/tfs/Collection/Service%20Desk`, `${evil.url}/fabrikam/Service%20Desk`, 'https://dev.azure.com/fabrikam/Service%20Desk', 'https://evil.example/fabrikam/Service%20Desk']) {
			const run = await createFromTicket(emu, { tickets: [ticket(1)], parameters: { connectorSettings: seedSettings(url) }, credentials: fabrikam() });
			scanRun('settings elsewhere', run);
			expect({ url, code: run.error?.message.match(/AZDC-\d{4}/)?.[0] }).toEqual({ url, code: 'AZDC-4001' });
			counts.add('refusedBeforeSending');
		}
		expect(emu.requests()).toEqual([]);
		evilGotNothing();
	});

	it('with several organizations: a settings URL outside them, or an AccessToken index of another organization, is refused', async () => {
		const outside = await createFromTicket(emu, {
			tickets: [ticket(2)],
			authentication: 'azureDevOpsMultiOrgApi',
			parameters: { connectorSettings: seedSettings(`${evil.url}/contoso/Contoso%20Support`, { AccessToken: '1' }) },
			credentials: bothOrganizations(),
		});
		scanRun('multi outside', outside);
		expect(outside.error?.message).toMatch(/AZDC-10(21|22)|AZDC-4001|AZDC-4006/);
		const crossed = await createFromTicket(emu, {
			tickets: [ticket(3)],
			authentication: 'azureDevOpsMultiOrgApi',
			parameters: { connectorSettings: seedSettings(`${emu.orgUrl('contoso')}/Contoso%20Support`, { AccessToken: '0' }) },
			credentials: bothOrganizations(),
		});
		scanRun('multi crossed', crossed);
		expect(crossed.error?.message).toContain('AZDC-4006');
		expect(emu.requests()).toEqual([]);
		evilGotNothing();
	});

	it('a project URL on another host, in any operation, is refused by the credential before sending', async () => {
		const run = await runAction('get', { project: projectUrl(`${evil.url}/fabrikam/Service%20Desk`), workItem: byId(1) }, fabrikam(), true);
		expect(run.items[0].json.code).toBe('AZDC-4001');
		evilGotNothing();
	});

	it('an Azure DevOps Server on its own host is fine when the credential names it', async () => {
		const server = { azureDevOpsApi: { organizationUrl: emu.orgUrl('DefaultCollection'), accessToken: CANARY_PAT_SERVER, allowHttp: true } };
		const run = await createFromTicket(emu, {
			tickets: [ticket(4)],
			parameters: { connectorSettings: seedSettings(`${emu.orgUrl('DefaultCollection')}/Fabrikam%20Fiber`) },
			credentials: server,
		});
		scanRun('server', run);
		expect(run.error).toBeUndefined();
		expect(run.items[0].json.created).toBe(true);
		// The collection's API versions, its project's HTML fields, the search for an existing work item, the create: all
		// with its own token.
		expect(emu.requests().map((r) => `${r.method} ${r.token}`)).toEqual([
			'OPTIONS DefaultCollection#0',
			'GET DefaultCollection#0',
			'POST DefaultCollection#0',
			'POST DefaultCollection#0',
		]);
	});
});

describe('at the end', () => {
	it('n8n logged nothing that carries a secret: the engine\'s lines and the nodes\' own errors', () => {
		expect(logs.lines.length).toBeGreaterThan(100);
		expect(logs.lines.some((line) => line.level === 'error')).toBe(true);
		scanner.scanLogs('log', logs.lines);
		expect(scanner.leaks).toEqual([]);
	});
});
