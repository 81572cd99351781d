// The trigger's panel as n8n's editor lays it out: top-down like n8n's own triggers, one-line notices, real defaults
// where the seed gives them, and combinations that cannot work told in the panel and refused at activation.
import { NodeHelpers, type INodeParameters, type INodeProperties } from 'n8n-workflow';

import { AzureDevOpsConnectorTrigger } from '../../nodes/AzureDevOpsConnector/AzureDevOpsConnectorTrigger.node';
import { STATE_PAIR_INCOMPLETE } from '../../nodes/AzureDevOpsConnector/trigger/description';
import { startEmulator, type Emulator } from '../emulator';
import { triggerRig } from './trigger.support';

const { description } = new AzureDevOpsConnectorTrigger();
const NODE = { typeVersion: 1.1 };

/** The parameters n8n's editor shows for these values, in order (defaults filled in as the editor does). */
function shown(values: INodeParameters): INodeProperties[] {
	const all = NodeHelpers.getNodeParameters(description.properties, values, true, false, NODE as never, description) ?? {};
	return description.properties.filter((p) => NodeHelpers.displayParameter(all, p, NODE, description));
}

let emu: Emulator;

beforeAll(async () => {
	emu = await startEmulator({ allowLocalhostConsumers: true });
});

afterAll(async () => {
	await emu.stop();
});

describe('the trigger panel', () => {
	it('reads top-down: credential, what to watch, delivery authentication, then mapping, filters and options', () => {
		expect(shown({}).map((p) => p.name)).toEqual([
			'authentication',
			'credentials',
			'project',
			'events',
			'onlyStateChanges',
			'registerSubscription',
			'deliveryAuthentication',
			'configuration',
			'workItemEndState',
			'endState',
			'stateMap',
			'filters',
			'options',
		]);
	});

	it('shows the steps of a subscription made by hand as separate one-line notices, in no n8n version\'s button names', () => {
		const notices = shown({ authentication: 'none' }).filter((p) => p.type === 'notice');
		expect(notices.length).toBeGreaterThanOrEqual(4);
		for (const notice of description.properties.filter((p) => p.type === 'notice')) {
			expect(notice.displayName).not.toMatch(/<[a-z/]/i);
			expect(notice.displayName).not.toMatch(/Listen for test event|Test this trigger|Execute step/i);
		}
		// The same steps when a credential is chosen and automatic registration is off.
		expect(shown({ registerSubscription: false }).filter((p) => p.type === 'notice').map((p) => p.displayName)).toEqual(
			notices.map((p) => p.displayName),
		);
	});

	it('starts with the seed\'s states as real values, and no placeholder that looks like a value', () => {
		const byName = new Map(description.properties.map((p) => [p.name, p]));
		expect(byName.get('workItemEndState')).toMatchObject({ default: 'Closed' });
		expect(byName.get('endState')).toMatchObject({ default: 'Return from DevOps' });
		const placeholders: string[] = [];
		const collect = (properties: readonly INodeProperties[]) => {
			for (const p of properties) {
				if (p.type === 'string' && typeof p.placeholder === 'string') placeholders.push(p.placeholder);
				for (const option of (p.options ?? []) as Array<INodeProperties | { values?: INodeProperties[] }>) {
					if ('values' in option && option.values) collect(option.values);
					else if ('type' in option) collect([option as INodeProperties]);
				}
			}
		};
		collect(description.properties);
		expect(placeholders.length).toBeGreaterThan(0);
		for (const placeholder of placeholders) expect(placeholder).toMatch(/^e\.g\. /);
	});

	it('tells, while a state of the pair is empty, that nothing will be mapped', () => {
		expect(shown({}).some((p) => p.displayName === STATE_PAIR_INCOMPLETE)).toBe(false);
		expect(shown({ workItemEndState: '' }).some((p) => p.displayName === STATE_PAIR_INCOMPLETE)).toBe(true);
		expect(shown({ endState: '' }).some((p) => p.displayName === STATE_PAIR_INCOMPLETE)).toBe(true);
	});
});

describe('combinations that cannot work fail the activation with a code', () => {
	const activate = async (parameters: INodeParameters) => {
		const rig = await triggerRig(emu, { parameters });
		try {
			return (await rig.workflow.activate('Azure DevOps Connector Trigger').then(
				() => undefined,
				(error: unknown) => error,
			)) as { message: string; context: { code?: string } } | undefined;
		} finally {
			await rig.workflow.deactivate('Azure DevOps Connector Trigger').catch(() => undefined);
			await rig.close();
		}
	};

	it('no state mapped at all: AZDC-1070', async () => {
		const error = await activate({ workItemEndState: '', endState: '' });
		expect(error?.context.code).toBe('AZDC-1070');
		expect(error?.message).toContain('WorkItemEndState');
	});

	it('only one state of the pair: AZDC-1041', async () => {
		const error = await activate({ endState: '' });
		expect(error?.context.code).toBe('AZDC-1041');
	});

	it('a generated secret without automatic registration: AZDC-6004', async () => {
		const error = await activate({ registerSubscription: false, deliveryAuthentication: 'generatedSecret' });
		expect(error?.context.code).toBe('AZDC-6004');
	});

	it('the defaults activate, mapping Closed to Return from DevOps', async () => {
		expect(await activate({})).toBeUndefined();
	});
});
