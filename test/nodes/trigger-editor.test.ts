// The trigger as a user meets it in n8n's editor and log: what it says about its settings when the workflow is
// activated and when a test event arrives.
import { NodeHelpers, type IDataObject, type INodeParameters } from 'n8n-workflow';

import { AzureDevOpsConnectorTrigger } from '../../nodes/AzureDevOpsConnector/AzureDevOpsConnectorTrigger.node';
import { BY_HAND_NEEDS_OTHER_AUTHENTICATION } from '../../nodes/AzureDevOpsConnector/trigger/description';

import { startEmulator, type Emulator } from '../emulator';
import { captureLogs, type LogCapture } from '../support/n8n/logger';
import { HOOK_CANARY, HOOK_USER, basicAuth, deliver, emitted, sample, triggerRig } from './trigger.support';

const AUTH = { authorization: basicAuth(HOOK_USER, HOOK_CANARY) };
const MISSPELT = JSON.stringify({
	ConnectorType: 'AzureDevOps',
	EndState: 'Return from DevOps',
	WorkItemEndState: 'Closed',
	BeginStat: 'Synchronization to DevOps',
});
const WARNING = 'Connector Settings: Unknown setting "BeginStat" is ignored. Did you mean "BeginState"?';

let emu: Emulator;
let logs: LogCapture;

beforeAll(async () => {
	emu = await startEmulator({ allowLocalhostConsumers: true });
	logs = captureLogs();
});

afterAll(async () => {
	logs.restore();
	await emu.stop();
});

describe('a Connector Settings key the trigger ignores', () => {
	it('is logged as a warning with the did-you-mean when the workflow is activated', async () => {
		const rig = await triggerRig(emu, {
			parameters: { events: ['workitem.updated'], configuration: 'settingsJson', connectorSettings: MISSPELT },
		});
		try {
			logs.lines.length = 0;
			await rig.workflow.activate('Azure DevOps Connector Trigger');
			expect(logs.lines.filter((line) => line.level === 'warn').map((line) => line.message)).toEqual([
				`Azure DevOps Connector Trigger: ${WARNING}`,
			]);
		} finally {
			await rig.workflow.deactivate('Azure DevOps Connector Trigger').catch(() => undefined);
			await rig.close();
		}
	});

	it('is on the test event the editor shows, and not on production deliveries', async () => {
		const rig = await triggerRig(emu, {
			parameters: {
				authentication: 'none',
				deliveryAuthentication: 'credential',
				configuration: 'settingsJson',
				connectorSettings: MISSPELT,
			},
		});
		try {
			const test = emitted(await rig.workflow.webhook('Azure DevOps Connector Trigger', { headers: AUTH, body: sample('workitem.updated') }, { mode: 'manual' }));
			expect(test.warnings).toEqual([WARNING]);
			const body = sample('workitem.updated');
			body.notificationId = 991;
			(body.resource as IDataObject).workItemId = 991;
			const production = emitted(await rig.workflow.webhook('Azure DevOps Connector Trigger', { headers: AUTH, body }));
			expect((production as IDataObject).warnings).toBeUndefined();
		} finally {
			await rig.close();
		}
	});
});

describe('several faults in the trigger\'s Connector Settings', () => {
	it('fail the activation with a short headline and one problem per line', async () => {
		const rig = await triggerRig(emu, {
			parameters: {
				events: ['workitem.updated'],
				configuration: 'settingsJson',
				connectorSettings: JSON.stringify({ ConnectorType: 'Jira', EndState: '' }),
			},
		});
		try {
			const error = (await rig.workflow.activate('Azure DevOps Connector Trigger').catch((e: unknown) => e)) as {
				message: string;
				description: string;
				context: IDataObject;
			};
			expect(error.message).toBe('3 problems in the Connector Settings');
			expect(error.context.codes).toEqual(['AZDC-1004', 'AZDC-1041', 'AZDC-1042']);
			expect(error.description).toContain('<li>[AZDC-1041] EndState: EndState is empty.</li>');
			expect(error.description).toContain('<li>[AZDC-1042] WorkItemEndState: WorkItemEndState is not set.</li>');
		} finally {
			await rig.close();
		}
	});
});

describe('EndState is given on the change into WorkItemEndState, not again afterwards', () => {
	const STATES = { workItemEndState: 'Closed', endState: 'Return from DevOps' };
	const withState = (eventType: string, id: number, state: string): IDataObject => {
		const body = sample(eventType);
		body.notificationId = id;
		const resource = body.resource as IDataObject;
		if (eventType === 'workitem.updated') {
			resource.workItemId = id;
			((resource.fields as IDataObject)['System.State'] as IDataObject).newValue = state;
			((resource.revision as IDataObject).fields as IDataObject)['System.State'] = state;
		} else {
			resource.id = id;
			(resource.fields as IDataObject)['System.State'] = state;
		}
		return body;
	};

	it('maps the update that closes the work item, and says what happened on later events of the closed item', async () => {
		const rig = await triggerRig(emu, {
			parameters: {
				authentication: 'none',
				deliveryAuthentication: 'credential',
				events: ['workitem.updated', 'workitem.commented', 'workitem.deleted', 'workitem.restored'],
				...STATES,
			},
		});
		try {
			const closing = emitted(await deliver(rig, withState('workitem.updated', 501, 'Closed')));
			expect(closing.ticket).toMatchObject({ state: 'Return from DevOps' });
			expect(closing.ticket).not.toHaveProperty('stateReason');

			for (const [eventType, id] of [
				['workitem.commented', 502],
				['workitem.deleted', 503],
				['workitem.restored', 504],
			] as const) {
				const later = emitted(await deliver(rig, withState(eventType, id, 'Closed')));
				expect(later.state).toMatchObject({ new: 'Closed', changed: false });
				expect(later.ticket).toMatchObject({
					state: null,
					stateReason: `The work item is already in "Closed" (${eventType}, no change of state); its ticket state "Return from DevOps" was given when it changed into "Closed".`,
				});
			}
		} finally {
			await rig.close();
		}
	});

	it('gives no EndState for an update of another field of a closed work item', async () => {
		const rig = await triggerRig(emu, {
			parameters: { authentication: 'none', deliveryAuthentication: 'credential', onlyStateChanges: false, ...STATES },
		});
		try {
			const body = withState('workitem.updated', 505, 'Closed');
			const resource = body.resource as IDataObject;
			delete (resource.fields as IDataObject)['System.State'];
			const item = emitted(await deliver(rig, body));
			expect(item.state).toMatchObject({ new: 'Closed', changed: false });
			expect((item.ticket as IDataObject).state).toBeNull();
		} finally {
			await rig.close();
		}
	});
});

describe('a subscription made by hand, as the service desk\'s guide sets it up (no authentication)', () => {
	/** The notices n8n's editor shows for these parameter values (defaults filled in as the editor does). */
	function notices(values: INodeParameters): string[] {
		const { description } = new AzureDevOpsConnectorTrigger();
		const node = { typeVersion: 1.1 };
		const all = NodeHelpers.getNodeParameters(description.properties, values, true, false, node as never, description) ?? {};
		return description.properties
			.filter((p) => p.type === 'notice' && NodeHelpers.displayParameter(all, p, node, description))
			.map((p) => p.displayName);
	}

	it('is told in one line which Delivery Authentication to choose, while the default cannot work', () => {
		expect(notices({ authentication: 'none' })).toContain(BY_HAND_NEEDS_OTHER_AUTHENTICATION);
		expect(notices({ registerSubscription: false })).toContain(BY_HAND_NEEDS_OTHER_AUTHENTICATION);
		expect(notices({ authentication: 'none', deliveryAuthentication: 'none' })).not.toContain(BY_HAND_NEEDS_OTHER_AUTHENTICATION);
		expect(notices({})).not.toContain(BY_HAND_NEEDS_OTHER_AUTHENTICATION);
	});

	it('then receives deliveries without authentication and maps the state', async () => {
		const rig = await triggerRig(emu, {
			parameters: { authentication: 'none', deliveryAuthentication: 'none', workItemEndState: 'Approved', endState: 'Back from DevOps' },
		});
		try {
			const item = emitted(await deliver(rig, sample('workitem.updated'), {}));
			expect((item.ticket as IDataObject).state).toBe('Back from DevOps');
		} finally {
			await rig.close();
		}
	});
});

describe('state matching', () => {
	it('ignores case by default, as the Ignore Case option shows (Azure DevOps\' own state names ignore case)', async () => {
		const { description } = new AzureDevOpsConnectorTrigger();
		const options = description.properties.find((p) => p.name === 'options');
		expect(options?.options?.find((o) => 'name' in o && o.name === 'ignoreCase')).toMatchObject({ default: true });
		const rig = await triggerRig(emu, {
			parameters: { authentication: 'none', deliveryAuthentication: 'none', workItemEndState: 'approved', endState: 'Back from DevOps' },
		});
		try {
			expect((emitted(await deliver(rig, sample('workitem.updated'), {})).ticket as IDataObject).state).toBe('Back from DevOps');
		} finally {
			await rig.close();
		}
	});
});
