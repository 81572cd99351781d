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
		// With hints available, the items keep their one shape.
		expect(run.items[0].json).not.toHaveProperty('warnings');
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
