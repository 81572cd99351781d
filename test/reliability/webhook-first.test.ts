// Issue 15, class 5: the webhook authenticates before it does any work. A caller of the public webhook URL who does
// not carry the secret gets the same 401 whatever the workflow's configuration (which way deliveries authenticate,
// the header's name, a broken state map, an incomplete credential), and the trigger reads neither its configuration
// nor its credential for him. Configuration faults are computed once, not on every request, and only an
// authenticated caller is told about them.
import type { IDataObject, INodeParameters } from 'n8n-workflow';
import { WebhookContext } from 'n8n-core';

import * as stateMap from '../../nodes/AzureDevOpsConnector/connector/stateMap';
import { captureLogs, type CredentialsInput, type LogCapture } from '../support/n8n';
import { TRIGGER, basicAuth, sample, triggerRig } from '../nodes/trigger.support';
import { CANARY_HOOK_BASIC, CANARY_HOOK_HEADER, LeakScanner, ReliabilityCounts } from './support';

const HOOK_USER = 'azure-devops';
/** A header name only this workflow's configuration knows: an unauthenticated caller must never see it. */
const SECRET_HEADER = 'X-Contoso-Hook-Secret';
const CANARY_GENERATED = 'rlbcanary7gen0a2c4e6f8b1d3f5a7c9e1b3d5f7a';
const GENERATED = { user: 'n8n-azure-devops', password: CANARY_GENERATED };

const counts = new ReliabilityCounts('webhook-first');
const scanner = new LeakScanner([CANARY_HOOK_BASIC, CANARY_HOOK_HEADER, GENERATED.password]);
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

const hook = (data: Record<string, string>): CredentialsInput => ({ azureDevOpsWebhookAuthApi: { id: 'hook', name: 'Hook secret', data } });
const BASIC = hook({ authType: 'basicAuth', user: HOOK_USER, password: CANARY_HOOK_BASIC });
const HEADER = hook({ authType: 'header', headerName: SECRET_HEADER, headerSecret: CANARY_HOOK_HEADER });
const CREDENTIAL: INodeParameters = { authentication: 'none', deliveryAuthentication: 'credential', registerSubscription: false };
/** Two rows that map the same Azure DevOps state to different ticket states: a fault of the trigger's own settings. */
const CONFLICTING_STATE_MAP = { stateMap: { row: [{ devOpsState: 'Closed', ticketState: 'Solved' }, { devOpsState: 'Closed', ticketState: 'Reopened' }] }, workItemEndState: 'Closed', endState: 'Done' };
const REGISTERED = {
	[`node:${TRIGGER}`]: {
		registrations: {
			'https://n8n.example/webhook/x/webhook': { ids: ['s1'], events: ['workitem.updated'], organizationUrl: 'https://dev.azure.com/fabrikam', credentialType: 'azureDevOpsApi', fingerprint: 'f', secret: GENERATED },
		},
	},
};

interface Configuration {
	name: string;
	parameters: INodeParameters;
	credentials: CredentialsInput;
	staticData?: IDataObject;
	/** Headers that authenticate, when the configuration has a usable secret. */
	right?: Record<string, string>;
}

const CONFIGURATIONS: Configuration[] = [
	{ name: 'Basic auth from the credential', parameters: CREDENTIAL, credentials: BASIC, right: { authorization: basicAuth(HOOK_USER, CANARY_HOOK_BASIC) } },
	{ name: `a ${SECRET_HEADER} header from the credential`, parameters: CREDENTIAL, credentials: HEADER, right: { [SECRET_HEADER]: CANARY_HOOK_HEADER } },
	{ name: 'an incomplete credential (password too short)', parameters: CREDENTIAL, credentials: hook({ authType: 'basicAuth', user: HOOK_USER, password: 'short' }) },
	{ name: 'a broken state map, Basic auth from the credential', parameters: { ...CREDENTIAL, ...CONFLICTING_STATE_MAP }, credentials: BASIC, right: { authorization: basicAuth(HOOK_USER, CANARY_HOOK_BASIC) } },
	{ name: 'unparseable Connector Settings, header from the credential', parameters: { ...CREDENTIAL, configuration: 'settingsJson', connectorSettings: '{"EndState": ' }, credentials: HEADER, right: { [SECRET_HEADER]: CANARY_HOOK_HEADER } },
	{ name: 'a generated secret', parameters: { authentication: 'none', deliveryAuthentication: 'generatedSecret' }, credentials: {}, staticData: REGISTERED, right: { authorization: basicAuth(GENERATED.user, GENERATED.password) } },
	{ name: 'a generated secret not registered yet', parameters: { authentication: 'none', deliveryAuthentication: 'generatedSecret' }, credentials: {} },
];

/** What callers without the secret send: nothing, a guess in Basic auth, a guess in the configured header, garbage. */
const UNAUTHENTICATED: Array<Record<string, string>> = [
	{},
	{ authorization: basicAuth(HOOK_USER, 'a-wrong-guess-of-the-password') },
	{ authorization: basicAuth(GENERATED.user, 'a-wrong-guess-of-the-password') },
	{ [SECRET_HEADER]: 'Bearer a-wrong-guess-of-the-token' },
	{ authorization: 'Bearer a-wrong-guess-of-the-token' },
	{ authorization: 'Basic !!!' },
];

function delivery(): IDataObject {
	const body = sample('workitem.updated');
	body.notificationId = notification++;
	(body.resource as IDataObject).rev = notification;
	return body;
}

describe('an unauthenticated caller learns nothing about the configuration', () => {
	const answers = new Map<string, string[]>();

	it.each(CONFIGURATIONS)('$name: every unauthenticated request is answered 401, starts nothing, changes nothing', async (configuration) => {
		const rig = await triggerRig(undefined, { parameters: configuration.parameters, credentials: configuration.credentials, staticData: configuration.staticData });
		try {
			rig.workflow.nodeStaticData(TRIGGER);
			const seen: string[] = [];
			for (const headers of UNAUTHENTICATED) {
				const before = JSON.stringify(rig.workflow.staticData);
				const result = await rig.workflow.runFromWebhook(TRIGGER, { headers, body: delivery() });
				counts.add('deliveriesTried');
				counts.add('faultsInjected');
				expect({ status: result.response.status, started: result.run !== undefined }).toEqual({ status: 401, started: false });
				expect(JSON.stringify(rig.workflow.staticData)).toBe(before);
				scanner.scan(`401 (${configuration.name})`, result.response);
				seen.push(JSON.stringify(result.response.body));
			}
			answers.set(configuration.name, seen);
		} finally {
			await rig.close();
		}
	});

	it('the answers are the same for every configuration and every guess: nothing names a mode, a header or a fault', () => {
		expect([...answers.keys()]).toHaveLength(CONFIGURATIONS.length);
		const distinct = new Set([...answers.values()].flat());
		expect(distinct.size).toBe(1);
		const [answer] = [...distinct];
		expect(JSON.parse(answer)).toMatchObject({ code: 'AZDC-3010' });
		for (const hint of [SECRET_HEADER, 'generated', 'registered', 'credential is', 'state', 'Connector Settings', 'AZDC-1', 'AZDC-3101', 'AZDC-3102', 'AZDC-3104']) {
			expect(answer).not.toContain(hint);
		}
	});
});

describe('an unauthenticated request costs no configuration read and no credential read', () => {
	it.each(CONFIGURATIONS.filter((configuration) => configuration.right))('$name', async (configuration) => {
		const rig = await triggerRig(undefined, { parameters: configuration.parameters, credentials: configuration.credentials, staticData: configuration.staticData });
		const parameterReads = jest.spyOn(WebhookContext.prototype, 'getNodeParameter');
		const credentialReads = jest.spyOn(rig.workflow.credentialsHelper, 'getDecrypted');
		try {
			// The right secret once (whatever it costs), then 100 requests without it.
			const accepted = await rig.workflow.webhook(TRIGGER, { headers: configuration.right!, body: delivery() });
			expect(accepted.response.status).not.toBe(401);
			parameterReads.mockClear();
			credentialReads.mockClear();
			for (let i = 0; i < 100; i++) {
				const result = await rig.workflow.webhook(TRIGGER, { headers: UNAUTHENTICATED[i % UNAUTHENTICATED.length], body: delivery() });
				counts.add('deliveriesTried');
				counts.add('faultsInjected');
				expect(result.response.status).toBe(401);
			}
			// One parameter (Delivery Authentication) per request at most; the credential at most once (a failed
			// comparison may look whether the secret was changed, once per interval).
			expect(parameterReads.mock.calls.length).toBeLessThanOrEqual(100);
			expect(new Set(parameterReads.mock.calls.map(([name]) => name))).toEqual(new Set(['deliveryAuthentication']));
			expect(credentialReads.mock.calls.length).toBeLessThanOrEqual(1);
		} finally {
			parameterReads.mockRestore();
			credentialReads.mockRestore();
			await rig.close();
		}
	});
});

describe('configuration faults are computed once and told only to an authenticated caller', () => {
	it('20 authenticated deliveries with a broken state map: one computation, twenty 503 answers naming the fault', async () => {
		const rig = await triggerRig(undefined, { parameters: { ...CREDENTIAL, ...CONFLICTING_STATE_MAP }, credentials: BASIC });
		const compiles = jest.spyOn(stateMap, 'compileStateMap');
		try {
			for (let i = 0; i < 20; i++) {
				const result = await rig.workflow.runFromWebhook(TRIGGER, { headers: { authorization: basicAuth(HOOK_USER, CANARY_HOOK_BASIC) }, body: delivery() });
				counts.add('deliveriesTried');
				expect(result.run).toBeUndefined();
				expect(result.response.status).toBe(503);
				expect(result.response.body).toMatchObject({ code: 'AZDC-3102' });
				expect(String((result.response.body as IDataObject).message)).toMatch(/AZDC-10\d\d/);
			}
			expect(compiles.mock.calls.length).toBeLessThanOrEqual(1);
		} finally {
			compiles.mockRestore();
			await rig.close();
		}
	});
});

describe('at the end', () => {
	it('n8n logged nothing that carries a secret', () => {
		scanner.scanLogs('log', logs.lines);
		expect(scanner.leaks).toEqual([]);
	});
});
