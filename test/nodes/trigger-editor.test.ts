// The trigger as a user meets it in n8n's editor and log: what it says about its settings when the workflow is
// activated and when a test event arrives.
import type { IDataObject } from 'n8n-workflow';

import { startEmulator, type Emulator } from '../emulator';
import { captureLogs, type LogCapture } from '../support/n8n/logger';
import { HOOK_CANARY, HOOK_USER, basicAuth, emitted, sample, triggerRig } from './trigger.support';

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
