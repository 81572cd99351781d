// "Test" in n8n's credential dialog, as a user reads the answer: words with every code, one problem per line.
import { AzureDevOpsApi } from '../../credentials/AzureDevOpsApi.credentials';
import { AzureDevOpsMultiOrgApi } from '../../credentials/AzureDevOpsMultiOrgApi.credentials';
import { AzureDevOpsConnector } from '../../nodes/AzureDevOpsConnector/AzureDevOpsConnector.node';
import { ERROR_CATALOGUE } from '../../nodes/AzureDevOpsConnector/connector/errors';
import { FABRIKAM_TOKEN, startEmulator, type Emulator } from '../emulator';
import { testCredential } from '../support/n8n';

const NODE_TYPE = 'n8n-nodes-azure-devops-connector.azureDevOpsConnector';
const CANARY = 'canary-token-4b1d9e2f77aa';

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

describe('the one-organization credential', () => {
	it('says in words what is wrong with an http URL, not only its code', async () => {
		const result = await testCredential({
			type: 'azureDevOpsApi',
			data: { organizationUrl: 'http://dev.azure.com/fabrikam', accessToken: CANARY, allowHttp: false },
			credentialTypes: [new AzureDevOpsApi()],
		});
		expect(result.status).toBe('Error');
		expect(result.message).toContain('[AZDC-1011]');
		expect(result.message).toContain('uses http');
		expect(result.message).toContain(ERROR_CATALOGUE.urlNotHttps.fix);
		expect(result.message).not.toContain(CANARY);
	});

	it('says the connection works', async () => {
		const result = await testCredential({
			type: 'azureDevOpsApi',
			data: { organizationUrl: emu.orgUrl('fabrikam'), accessToken: FABRIKAM_TOKEN, allowHttp: true },
			credentialTypes: [new AzureDevOpsApi()],
		});
		expect(result).toEqual({ status: 'OK', message: 'Connection successful!' });
	});
});

describe('the several-organizations credential', () => {
	it('heads the answer with a count, then one organization per line, each fix once', async () => {
		const result = await testCredential({
			type: 'azureDevOpsMultiOrgApi',
			data: {
				organizations: `${emu.orgUrl('fabrikam')}\n${emu.orgUrl('contoso')}\n${emu.orgUrl('server2022/DefaultCollection')}`,
				accessTokens: `${FABRIKAM_TOKEN},${CANARY},${CANARY}x`,
				allowHttp: true,
			},
			credentialTypes: [new AzureDevOpsMultiOrgApi()],
			nodeTypes: { [NODE_TYPE]: new AzureDevOpsConnector() },
		});
		expect(result.status).toBe('Error');
		const lines = result.message.split('\n');
		expect(lines[0]).toBe('2 of 3 organizations failed the test:');
		expect(lines).toContain(`- ${emu.orgUrl('contoso')}: [AZDC-4015] The token was refused (401).`);
		expect(lines.filter((line) => line.includes(ERROR_CATALOGUE.azureDevOpsUnauthorized.fix))).toEqual([
			`- AZDC-4015: ${ERROR_CATALOGUE.azureDevOpsUnauthorized.fix}`,
		]);
		expect(lines.at(-1)).toBe(`Working: ${emu.orgUrl('fabrikam')}.`);
		expect(result.message).not.toContain(CANARY);
	});
});
