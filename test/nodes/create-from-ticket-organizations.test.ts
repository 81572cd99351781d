// Create From Ticket with several Azure DevOps organizations: the settings' URL and AccessToken index pick the
// organization, a token only ever goes to its own organization, and no token shows up in any output or error.
import { ApplicationError } from 'n8n-workflow';

import { CONTOSO_TOKEN, FABRIKAM_TOKEN, startEmulator, type Emulator } from '../emulator';
import { createFromTicket, createRequests, seedSettings, ticket } from './create-from-ticket.support';

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

afterEach(() => {
	expect(emu.specViolations()).toEqual([]);
});

function multiOrgCredential(tokens = `${FABRIKAM_TOKEN},${CONTOSO_TOKEN}`) {
	return {
		azureDevOpsMultiOrgApi: {
			organizations: `${emu.orgUrl('fabrikam')}\n${emu.orgUrl('contoso')}`,
			accessTokens: tokens,
			allowHttp: true,
		},
	};
}

describe('Several organizations in one credential', () => {
	it('picks the token by the URL\'s organization when the settings give no AccessToken', async () => {
		const result = await createFromTicket(emu, {
			tickets: [ticket(510)],
			authentication: 'azureDevOpsMultiOrgApi',
			credentials: multiOrgCredential(),
			parameters: {
				connectorSettings: seedSettings(`${emu.orgUrl('contoso')}/Contoso%20Support`, { AccessToken: undefined }),
			},
		});
		expect(result.error).toBeUndefined();
		expect(result.items[0].json).toMatchObject({ created: true, project: 'Contoso Support' });
		expect(new Set(emu.requests().map((r) => `${r.organization} ${r.token}`))).toEqual(new Set(['contoso contoso#0']));
	});

	it('sends a contoso ticket with the contoso token (AccessToken "1") and a fabrikam ticket with the fabrikam token', async () => {
		const contoso = await createFromTicket(emu, {
			tickets: [ticket(501)],
			authentication: 'azureDevOpsMultiOrgApi',
			credentials: multiOrgCredential(),
			parameters: {
				connectorSettings: seedSettings(`${emu.orgUrl('contoso')}/Contoso%20Support`, { AccessToken: '1' }),
			},
		});
		expect(contoso.error).toBeUndefined();
		expect(contoso.items[0].json).toMatchObject({ created: true, project: 'Contoso Support' });
		expect(emu.getWorkItem(contoso.items[0].json.id as number, 'contoso')).toBeDefined();
		expect(emu.requests().map((r) => `${r.organization} ${r.token}`)).toEqual([
			'contoso contoso#0',
			'contoso contoso#0',
		]);

		emu.reset();
		const fabrikam = await createFromTicket(emu, {
			tickets: [ticket(502)],
			authentication: 'azureDevOpsMultiOrgApi',
			credentials: multiOrgCredential(),
			parameters: { connectorSettings: seedSettings(`${emu.orgUrl('fabrikam')}/Service%20Desk`) },
		});
		expect(fabrikam.items[0].json.created).toBe(true);
		expect(emu.requests().every((r) => r.organization === 'fabrikam' && r.token === 'fabrikam#0')).toBe(true);
	});

	it('refuses an AccessToken index that points at another organization\'s token, before sending anything', async () => {
		const run = await createFromTicket(emu, {
			tickets: [ticket(503)],
			authentication: 'azureDevOpsMultiOrgApi',
			credentials: multiOrgCredential(),
			parameters: {
				connectorSettings: seedSettings(`${emu.orgUrl('contoso')}/Contoso%20Support`, { AccessToken: '0' }),
			},
		});
		expect(run.error?.message).toContain('AZDC-4006');
		expect(emu.requests()).toHaveLength(0);
	});

	it('refuses an AccessToken index past the credential\'s tokens (AZDC-1021)', async () => {
		const run = await createFromTicket(emu, {
			tickets: [ticket(504)],
			authentication: 'azureDevOpsMultiOrgApi',
			credentials: multiOrgCredential(),
			parameters: {
				connectorSettings: seedSettings(`${emu.orgUrl('contoso')}/Contoso%20Support`, { AccessToken: '5' }),
			},
		});
		expect(run.error?.message).toContain('AZDC-1021');
		expect(emu.requests()).toHaveLength(0);
	});
});

describe('One organization in the credential', () => {
	it('refuses settings whose URL names another organization, before sending its token anywhere', async () => {
		const run = await createFromTicket(emu, {
			tickets: [ticket(505)],
			parameters: { connectorSettings: seedSettings(`${emu.orgUrl('contoso')}/Contoso%20Support`) },
		});
		expect(run.error?.message).toContain('AZDC-4001');
		expect(run.error?.message).toContain('contoso');
		expect(emu.requests()).toHaveLength(0);
	});
});

describe('Tokens stay secret', () => {
	const CANARY = 'CANARY-pat-7f3e9a1c-never-print-me';

	it('never puts the token into an output item, an error or the execution data, whatever happens', async () => {
		emu.addOrganization('canary', { tokens: [CANARY], projects: ['Service Desk'] });
		const credentials = {
			azureDevOpsApi: { organizationUrl: emu.orgUrl('canary'), accessToken: CANARY, allowHttp: true },
		};
		const url = `${emu.orgUrl('canary')}/Service%20Desk`;
		const runs = [
			// Works.
			await createFromTicket(emu, { tickets: [ticket(1), ticket(2)], credentials, parameters: { connectorSettings: seedSettings(url) } }),
			// A field Azure DevOps rejects, per item.
			await createFromTicket(emu, {
				tickets: [ticket(3)],
				credentials,
				continueOnFail: true,
				parameters: {
					connectorSettings: seedSettings(url, { AttributeMap: { 'Custom.Nope': 'x', 'System.Title': 't', 'System.WorkItemType': 'Task' } }),
				},
			}),
			// Azure DevOps refuses the token.
			await createFromTicket(emu, {
				tickets: [ticket(4)],
				credentials: { azureDevOpsApi: { ...credentials.azureDevOpsApi, accessToken: `${CANARY}-revoked` } },
				parameters: { connectorSettings: seedSettings(url) },
			}),
			// Settings that point elsewhere.
			await createFromTicket(emu, {
				tickets: [ticket(5)],
				credentials,
				parameters: { connectorSettings: seedSettings(`${emu.orgUrl('fabrikam')}/Service%20Desk`) },
			}),
		];

		expect(runs[0].items.map((item) => item.json.created)).toEqual([true, true]);
		expect(runs[1].items[0].json.code).toBe('AZDC-4010');
		expect(runs[2].error?.message).toContain('AZDC-4015');
		expect(runs[3].error?.message).toContain('AZDC-4001');

		for (const run of runs) {
			const seen = JSON.stringify({
				items: run.items,
				runData: run.runData,
				error: run.error && { message: run.error.message, description: run.error.description, context: run.error.context },
			});
			expect(seen).not.toContain(CANARY);
			// Nor as the Basic credential it travels in.
			expect(seen).not.toContain(Buffer.from(`:${CANARY}`).toString('base64'));
			if (run.error instanceof ApplicationError || run.error instanceof Error) {
				expect(String(run.error.stack)).not.toContain(CANARY);
			}
		}
		expect(JSON.stringify(emu.requests())).not.toContain(CANARY);
		expect(createRequests(emu).length).toBeGreaterThan(0);
	});
});
