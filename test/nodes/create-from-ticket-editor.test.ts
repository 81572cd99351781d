// Create From Ticket as a user meets it in n8n's editor: what the output pane shows for a settings key that is
// ignored, for several faults at once, and which keys every output item has (so the Table view has no holes).
import type { IDataObject } from 'n8n-workflow';

import { startEmulator, type Emulator } from '../emulator';
import { createFromTicket, seedSettings, serviceDeskUrl, ticket } from './create-from-ticket.support';

let emu: Emulator;

beforeAll(async () => {
	emu = await startEmulator();
});

afterAll(async () => {
	await emu.stop();
});

beforeEach(() => {
	emu.reset();
});

/** The settings as the seed writes them, plus what the user typed. */
function settingsWith(extra: Record<string, unknown>, drop: string[] = []): string {
	const settings = JSON.parse(seedSettings(serviceDeskUrl(emu))) as Record<string, unknown>;
	for (const key of drop) delete settings[key];
	return JSON.stringify({ ...settings, ...extra });
}

describe('a settings key that is ignored', () => {
	it('shows a warning with the did-you-mean on the output pane, and still creates the work item', async () => {
		const run = await createFromTicket(emu, {
			tickets: [ticket(7001), ticket(7002)],
			parameters: { connectorSettings: settingsWith({ WorkItemEndStat: 'Done' }, ['WorkItemEndState']) },
		});

		expect(run.error).toBeUndefined();
		expect(run.items.map((item) => item.json.created)).toEqual([true, true]);
		const hints = run.runData.Node.at(-1)?.hints ?? [];
		// Once for the run, not once per item.
		expect(hints).toEqual([
			{
				message: 'Connector Settings: Unknown setting "WorkItemEndStat" is ignored. Did you mean "WorkItemEndState"?',
				type: 'warning',
				location: 'outputPane',
			},
		]);
		// With hints available, the items keep their one shape: no settings warning is repeated on them.
		expect(run.items[0].json.warnings).toEqual([]);
	});

	it('shows nothing when the settings are clean', async () => {
		const run = await createFromTicket(emu, { tickets: [ticket(7003)] });
		expect(run.error).toBeUndefined();
		expect(run.runData.Node.at(-1)?.hints ?? []).toEqual([]);
	});

	it('puts the warnings on every item on an n8n without execution hints', async () => {
		const { ExecuteContext } = await import('n8n-core');
		const prototype = ExecuteContext.prototype as unknown as { addExecutionHints?: unknown };
		const original = prototype.addExecutionHints;
		delete prototype.addExecutionHints;
		try {
			const run = await createFromTicket(emu, {
				tickets: [ticket(7004)],
				parameters: { connectorSettings: settingsWith({ Commentary: 'printer team' }) },
			});
			expect(run.error).toBeUndefined();
			expect((run.items[0].json as IDataObject).warnings).toEqual([
				'Connector Settings: Unknown setting "Commentary" is ignored.',
			]);
		} finally {
			prototype.addExecutionHints = original;
		}
	});
});

describe('several faults in the Connector Settings at once', () => {
	it('reads as a short headline, then one problem per line, each fix once, and every code', async () => {
		const run = await createFromTicket(emu, {
			tickets: [ticket(7010)],
			parameters: {
				connectorSettings: JSON.stringify({
					ConnectorType: 'Jira',
					URL: 'http://dev.azure.com/fabrikam/Service Desk',
					AccessToken: 'first',
					AttributeMap: { 'System.Title': '[$TicketTitle$]', 'System.WorkItemType': 'Task' },
					BeginState: 'Synchronization to DevOps',
					Url: 'https://dev.azure.com/fabrikam/Service Desk',
				}),
			},
		});

		const error = run.error as unknown as { message: string; description: string; context: IDataObject };
		expect(error.message).toBe('4 problems in the Connector Settings (input item 0)');
		expect(error.context.codes).toEqual(['AZDC-1044', 'AZDC-1004', 'AZDC-1011', 'AZDC-1020']);
		const problems = /^<ul>(.*?)<\/ul>How to fix:<ul>(.*)<\/ul>$/.exec(error.description);
		expect(problems).not.toBeNull();
		const lines = (html: string) => html.replace(/^<li>|<\/li>$/g, '').split('</li><li>');
		expect(lines(problems![1])).toEqual([
			'[AZDC-1044] URL: "URL" and "Url" are both URL.',
			'[AZDC-1004] ConnectorType: ConnectorType is "Jira"; this node handles "AzureDevOps" only.',
			'[AZDC-1011] URL: "http://dev.azure.com/…" uses http.',
			'[AZDC-1020] AccessToken: AccessToken (text) is not a whole number of 0 or more.',
		]);
		const fixes = lines(problems![2]);
		expect(fixes).toHaveLength(4);
		expect(fixes[1]).toBe('AZDC-1004: Set "ConnectorType": "AzureDevOps".');
		expect(createRequestsCount()).toBe(0);
	});

	it('gives a fix shared by two faults once, naming both', async () => {
		const run = await createFromTicket(emu, {
			tickets: [ticket(7011)],
			parameters: {
				connectorSettings: JSON.stringify({
					URL: serviceDeskUrl(emu),
					AttributeMap: { 'System.Title': '[$TicketTitle$]', 'System.WorkItemType': 'Task' },
					beginstate: 'A',
					BeginState: 'B',
					endstate: 'C',
					EndState: 'D',
				}),
			},
		});
		const error = run.error as unknown as { message: string; description: string };
		expect(error.message).toBe('2 problems in the Connector Settings (input item 0)');
		const fixPart = error.description.split('How to fix:')[1];
		expect(fixPart.match(/<li>/g)).toHaveLength(1);
		expect(fixPart).toContain('AZDC-1044: Keep one of the keys');
	});
});

function createRequestsCount(): number {
	return emu.requests().filter((r) => r.method === 'POST' && /\/_apis\/wit\/workitems\/\$/i.test(r.path)).length;
}

describe('one shape for every output item', () => {
	const KEYS = [
		'created',
		'existing',
		'id',
		'project',
		'reason',
		'rev',
		'skipped',
		'state',
		'ticket',
		'title',
		'url',
		'validateOnly',
		'warnings',
		'webUrl',
		'workItemType',
	];

	it('gives created, existing (found, or made by an earlier item) and skipped tickets the same keys, with a reason', async () => {
		await createFromTicket(emu, { tickets: [ticket(7020)] });
		const run = await createFromTicket(emu, {
			tickets: [ticket(7021), ticket(7020), ticket(7021), ticket(7022, { state: 'New' })],
		});

		expect(run.error).toBeUndefined();
		const items = run.items.map((item) => item.json);
		for (const item of items) expect(Object.keys(item).sort()).toEqual(KEYS);
		expect(items.map(({ created, existing, skipped }) => ({ created, existing, skipped }))).toEqual([
			{ created: true, existing: false, skipped: false },
			{ created: false, existing: true, skipped: false },
			{ created: false, existing: true, skipped: false },
			{ created: false, existing: false, skipped: true },
		]);
		expect(items[0].reason).toBeNull();
		expect(items[1].reason).toBe(`Ticket 7020 already has work item ${String(items[1].id)}; nothing was created.`);
		expect(items[2].reason).toBe(
			`Ticket 7021's work item ${String(items[0].id)} was created by input item 0 of this run; nothing more was created.`,
		);
		expect(items[3]).toMatchObject({ id: null, project: 'Service Desk', ticket: { id: '7022' } });
		expect(items[3].reason).toContain('is not the BeginState');
	});

	it('gives Validate Only items the same keys, and says why there is no id', async () => {
		const run = await createFromTicket(emu, { tickets: [ticket(7030)], options: { validateOnly: true } });
		expect(run.error).toBeUndefined();
		const item = run.items[0].json;
		expect(Object.keys(item).sort()).toEqual(KEYS);
		expect(item).toMatchObject({ created: false, existing: false, skipped: false, validateOnly: true, id: null });
		expect(item.reason).toBe('Validate Only: Azure DevOps checked the work item and saved nothing.');
	});
});
