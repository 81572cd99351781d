// "The team's current iteration" (issue 18, item 6): a project with two teams that each run their own sprints, as an
// Azure DevOps admin sets them up (Project settings > Team configuration > Iterations). The current iteration is the
// one the team has selected and the service calls current, not whichever iteration of the project has today's dates.
import type { IDataObject } from 'n8n-workflow';

import { AzureDevOpsApi } from '../../credentials/AzureDevOpsApi.credentials';
import { AzureDevOpsMultiOrgApi } from '../../credentials/AzureDevOpsMultiOrgApi.credentials';
import { AzureDevOpsConnector } from '../../nodes/AzureDevOpsConnector/AzureDevOpsConnector.node';
import { FABRIKAM_TOKEN, startEmulator, type Emulator } from '../emulator';
import { MANUAL_TRIGGER_TYPE, TestWorkflow } from '../support/n8n';
import { createFromTicket, seedSettings, serviceDeskUrl, ticket, updateFromTicket } from './create-from-ticket.support';

const NODE_TYPE = 'n8n-nodes-azure-devops-connector.azureDevOpsConnector';
const PROJECT = 'Service Desk';
const OPS = `@currentIteration('[${PROJECT}]\\Ops Team')`;

let emu: Emulator;

beforeAll(async () => {
	emu = await startEmulator({
		organizations: {
			fabrikam: {
				tokens: [FABRIKAM_TOKEN],
				projects: [
					{
						name: PROJECT,
						// The emulator dates an iteration by the number its name ends with: "… 2" is the one running today.
						iterationPaths: [`${PROJECT}\\Sprint 1`, `${PROJECT}\\Sprint 2`, `${PROJECT}\\Ops`, `${PROJECT}\\Ops\\Ops 1`, `${PROJECT}\\Ops\\Ops 2`, `${PROJECT}\\Lab\\Lab 3`],
						teams: [`${PROJECT} Team`, 'Ops Team', 'Lab Team'],
						teamIterations: {
							'Ops Team': [`${PROJECT}\\Ops\\Ops 1`, `${PROJECT}\\Ops\\Ops 2`],
							'Lab Team': [`${PROJECT}\\Lab\\Lab 3`],
							[`${PROJECT} Team`]: [`${PROJECT}\\Sprint 1`, `${PROJECT}\\Sprint 2`],
						},
					},
				],
				fields: ['Custom.TicketId'],
			},
		},
	});
});

afterAll(async () => emu.stop());

beforeEach(() => emu.reset());

afterEach(() => {
	expect(emu.specViolations()).toEqual([]);
});

const teamIterationRequests = () => emu.requests().filter((r) => /\/_apis\/work\/teamsettings\/iterations$/i.test(r.path));

/** The iteration path the work item of a Create From Ticket item has in the emulator. */
function iterationOf(item: IDataObject): unknown {
	expect(item.created).toBe(true);
	return (emu.getWorkItem(item.id as number) as { fields: IDataObject }).fields['System.IterationPath'];
}

function settings(iteration: string): string {
	return seedSettings(serviceDeskUrl(emu), {
		AttributeMap: { 'System.Title': '[$TicketTitle$]', 'System.WorkItemType': 'Task', 'System.IterationPath': iteration },
	});
}

describe('Current Iteration of a team', () => {
	it('puts the work item in the named team\'s current sprint, not in another team\'s sprint that runs on the same dates', async () => {
		const run = await createFromTicket(emu, { tickets: [ticket(801), ticket(802)], parameters: { connectorSettings: settings(OPS) } });
		expect(run.error).toBeUndefined();
		for (const item of run.items) expect(iterationOf(item.json)).toBe(`${PROJECT}\\Ops\\Ops 2`);
		// Asked once for the batch, as the service's "current" time frame of that team.
		const asked = teamIterationRequests();
		expect(asked).toHaveLength(1);
		expect(asked[0].path).toMatch(/\/Service%20Desk\/Ops%20Team\/_apis\/work\/teamsettings\/iterations$/);
		expect(asked[0].query.$timeframe).toBe('current');
	});

	it('"@currentIteration" alone is the current sprint of the project\'s default team', async () => {
		const run = await createFromTicket(emu, { tickets: [ticket(803)], parameters: { connectorSettings: settings('@currentIteration') } });
		expect(run.error).toBeUndefined();
		expect(iterationOf(run.items[0].json)).toBe(`${PROJECT}\\Sprint 2`);
	});

	it('Update From Ticket moves the work item into the team\'s current sprint once; the next run sends nothing', async () => {
		const created = await createFromTicket(emu, { tickets: [ticket(804)], parameters: { connectorSettings: settings(PROJECT) } });
		const id = created.items[0].json.id as number;
		const parameters = { connectorSettings: seedSettings(serviceDeskUrl(emu), { UpdateAttributeMap: { 'System.IterationPath': OPS } }) };
		const first = await updateFromTicket(emu, { tickets: [ticket(804)], parameters });
		expect(first.items[0].json).toMatchObject({ updated: true, changedFields: ['System.IterationPath'] });
		expect((emu.getWorkItem(id) as { fields: IDataObject }).fields['System.IterationPath']).toBe(`${PROJECT}\\Ops\\Ops 2`);
		const again = await updateFromTicket(emu, { tickets: [ticket(804)], parameters });
		expect(again.items[0].json).toMatchObject({ updated: false });
	});

	it('a team with no sprint running today is a coded error that names the team, and nothing is created', async () => {
		const run = await createFromTicket(emu, {
			tickets: [ticket(805)],
			parameters: { connectorSettings: settings(`@currentIteration('[${PROJECT}]\\Lab Team')`) },
			continueOnFail: true,
		});
		const error = String(run.items[0].json.error ?? run.error?.message);
		expect(error).toContain('AZDC-5140');
		expect(error).toContain('Lab Team');
		expect(emu.requests().filter((r) => r.method === 'POST' && /workitems\/\$/i.test(r.path))).toHaveLength(0);
	});

	it('a team the project does not have is a coded error with the service\'s words, and nothing is created', async () => {
		const run = await createFromTicket(emu, {
			tickets: [ticket(806)],
			parameters: { connectorSettings: settings(`@currentIteration('[${PROJECT}]\\Night Shift')`) },
			continueOnFail: true,
		});
		const error = String(run.items[0].json.error ?? run.error?.message);
		expect(error).toMatch(/AZDC-\d{4}/);
		expect(error).toContain('Night Shift');
		expect(emu.requests().filter((r) => r.method === 'POST' && /workitems\/\$/i.test(r.path))).toHaveLength(0);
	});

	it('the editor\'s iteration list offers each team\'s current iteration, then the project\'s iterations', async () => {
		const wf = new TestWorkflow(
			{
				nodes: [
					{ name: 'Start', type: MANUAL_TRIGGER_TYPE, parameters: {} },
					{
						name: 'Node',
						type: NODE_TYPE,
						parameters: { authentication: 'azureDevOpsApi', resource: 'workItem', operation: 'create', project: { __rl: true, mode: 'url', value: serviceDeskUrl(emu) } },
						credentials: { azureDevOpsApi: { id: 'azureDevOpsApi-1', name: 'azureDevOpsApi 1' } },
					},
				],
				connections: {},
			},
			{
				nodeTypes: { [NODE_TYPE]: new AzureDevOpsConnector() },
				credentialTypes: [new AzureDevOpsApi(), new AzureDevOpsMultiOrgApi()],
				credentials: { azureDevOpsApi: { data: { organizationUrl: emu.orgUrl('fabrikam'), accessToken: FABRIKAM_TOKEN, allowHttp: true } } },
			},
		);
		const options = await wf.loadOptions('Node', 'getIterationPaths');
		expect(options.slice(0, 3).map((option) => [option.name, option.value])).toEqual([
			[`Current Iteration (${PROJECT} Team, the default team)`, '@currentIteration'],
			['Current Iteration of Ops Team', OPS],
			['Current Iteration of Lab Team', `@currentIteration('[${PROJECT}]\\Lab Team')`],
		]);
		expect(options.slice(3).map((option) => option.value)).toContain(`${PROJECT}\\Ops\\Ops 2`);
	});
});
