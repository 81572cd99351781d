// The editor as a new n8n user meets it, in a real browser (Debian's Chromium through playwright-core, no browser
// download) on a real n8n 2.x with the package installed: the nodes are found, the credential test says the
// connection works, a settings mistake reads as an error with one problem per line, and a settings warning shows
// above the output. The same steps take the pictures of docs/ (SCREENSHOTS=1 writes them).
import * as crypto from 'crypto';
import * as fs from 'fs';
import * as path from 'path';

import { FABRIKAM_TOKEN } from '../emulator';
import { CREDENTIAL_NAME, majorUnderTest, n8n, startStack, type Stack } from './support';

import * as editor from '../../scripts/lib/editor';

const PACKAGE = 'n8n-nodes-azure-devops-connector';
const CREATE_NODE = 'Create work item from ticket';
const TICKET = {
	TicketID: 'HD-77',
	TicketTitle: 'Printer on floor 3 is offline',
	LatestImportantMessage: 'Paper jam',
	TicketUrl: 'https://servicedesk.example.com/tickets/HD-77',
	state: 'Synchronization to DevOps',
};

type Browser = Awaited<ReturnType<typeof editor.launchBrowser>>;
type Page = Awaited<ReturnType<typeof editor.signedInPage>>;

/** Manual trigger (with the ticket pinned as its output) → Create From Ticket with the given Connector Settings. */
function createFromTicketWorkflow(stack: Stack, name: string, settings: Record<string, unknown>) {
	return {
		name,
		nodes: [
			{ id: crypto.randomUUID(), name: 'Ticket', type: 'n8n-nodes-base.manualTrigger', typeVersion: 1, position: [0, 0], parameters: {} },
			{
				id: crypto.randomUUID(),
				name: CREATE_NODE,
				type: `${PACKAGE}.azureDevOpsConnector`,
				typeVersion: 1,
				position: [260, 0],
				parameters: {
					authentication: 'azureDevOpsApi',
					resource: 'workItem',
					operation: 'createFromTicket',
					configuration: 'settingsJson',
					connectorSettings: JSON.stringify(settings, null, 2),
				},
				credentials: { azureDevOpsApi: { id: stack.credentialId, name: CREDENTIAL_NAME } },
			},
		],
		connections: { Ticket: { main: [[{ node: CREATE_NODE, type: 'main', index: 0 }]] } },
		pinData: { Ticket: [{ json: TICKET }] },
		settings: { executionOrder: 'v1' },
	};
}

function seedSettings(stack: Stack, extra: Record<string, unknown> = {}): Record<string, unknown> {
	return {
		ConnectorType: 'AzureDevOps',
		URL: stack.projectUrl,
		AccessToken: '0',
		AttributeMap: { 'System.Title': '[$TicketTitle$]', 'System.WorkItemType': 'Task' },
		BeginState: 'Synchronization to DevOps',
		EndState: 'Return from DevOps',
		WorkItemEndState: 'Closed',
		...extra,
	};
}

const canRun = majorUnderTest() === 2 && (editor.chromiumPath() !== undefined || !!process.env.CI);
const describeInBrowser = canRun ? describe : describe.skip;
const why = majorUnderTest() !== 2 ? 'n8n 2.x only' : 'Chromium is not installed (apt-get install chromium); CI always runs it';

describeInBrowser(`the editor in a real browser, n8n ${majorUnderTest()}.x${canRun ? '' : ` (skipped: ${why})`}`, () => {
	let stack: Stack;
	let browser: Browser;
	let page: Page;
	const shots = path.join(n8n.ROOT, process.env.SCREENSHOTS === '1' ? 'docs' : '.tmp/e2e/editor-shots');

	beforeAll(async () => {
		stack = await startStack({ major: 2 });
		browser = await editor.launchBrowser();
		page = await editor.signedInPage(browser, stack.main.url, stack.rest.login);
		fs.mkdirSync(shots, { recursive: true });
	}, 300000);

	afterAll(async () => {
		await browser?.close();
		await stack?.stop();
	}, 60000);

	/** A picture of the page after a failed step, for a look afterwards. */
	afterEach(async () => {
		const state = expect.getState();
		if (page && state.currentTestName) {
			const file = state.currentTestName.replace(/[^a-z0-9]+/gi, '-').slice(0, 80);
			await page.screenshot({ path: path.join(n8n.ROOT, '.tmp', 'e2e', `editor-${file}.png`) }).catch(() => undefined);
		}
	});

	test('searching "Azure DevOps" in the node creator finds both nodes', async () => {
		// A new workflow's creator offers triggers, under the name without " Trigger" (n8n's way for every trigger).
		const triggers = await editor.searchNodes(page, 'Azure DevOps', stack.main.url);
		expect(triggers).toContainEqual({
			name: 'Azure DevOps Connector',
			description: expect.stringMatching(/^Starts the workflow when an Azure DevOps work item changes/),
		});
		await page.keyboard.press('Escape');
		// Once there is a trigger, it offers what comes next: n8n shows the action and the trigger of one name as one
		// entry, whose panel lists the action node's operations.
		const id = await stack.importWorkflow(createFromTicketWorkflow(stack, 'Node search', seedSettings(stack)));
		await editor.openWorkflow(page, stack.main.url, id);
		const next = await editor.searchNodes(page, 'Azure DevOps');
		expect(next.map((entry) => entry.name)).toContain('Azure DevOps Connector');
		const panel = await editor.openCreatorItem(page, 'Azure DevOps Connector');
		expect(panel).toContain('Create a work item from a ticket');
		expect(panel).toContain('Add a comment to a work item');
		await page.keyboard.press('Escape');
	});

	test('the credential test says the connection works', async () => {
		await editor.openCredential(page, stack.main.url, stack.credentialId);
		// n8n tests a saved credential when its dialog opens.
		await expect(editor.visibleText(page, 'Connection tested successfully')).resolves.toBe(true);
		await page.keyboard.press('Escape');
	});

	test('the several-organizations credential test names each organization that fails, one per line', async () => {
		const credential = await stack.rest('POST', '/credentials', {
			name: 'Two organizations, one token wrong',
			type: 'azureDevOpsMultiOrgApi',
			data: {
				organizations: `${stack.emu.orgUrl('fabrikam')}\n${stack.emu.orgUrl('contoso')}`,
				accessTokens: `${FABRIKAM_TOKEN},not-the-contoso-token-000000000000000000`,
				allowHttp: true,
			},
		});
		await editor.openCredential(page, stack.main.url, String(credential.id));
		await expect(editor.visibleText(page, 'connect with these settings')).resolves.toBe(true);
		const details = page.getByText('More details', { exact: false }).first();
		if (await details.isVisible().catch(() => false)) await details.click();
		await expect(editor.visibleText(page, '1 of 2 organizations failed the test:')).resolves.toBe(true);
		await expect(editor.visibleText(page, `${stack.emu.orgUrl('contoso')}: [AZDC-4015] The token was refused (401).`)).resolves.toBe(true);
		await page.screenshot({ path: path.join(shots, 'editor-credential-test-failure.png') });
		await page.keyboard.press('Escape');
	});

	test('a settings mistake shows a short headline, then one problem per line and each fix once', async () => {
		const id = await stack.importWorkflow(
			createFromTicketWorkflow(stack, 'Settings with mistakes', {
				...seedSettings(stack),
				ConnectorType: 'Jira',
				URL: 'http://dev.azure.com/fabrikam/Service Desk',
				AccessToken: 'first',
				Url: stack.projectUrl,
			}),
		);
		await editor.openWorkflow(page, stack.main.url, id);
		await editor.executeWorkflow(page);
		await editor.openNode(page, CREATE_NODE);
		const message = page.locator('[data-test-id="node-error-message"]').first();
		await message.waitFor({ timeout: 15000 });
		expect(await message.innerText()).toBe('4 problems in the Connector Settings (input item 0)');
		const description = page.locator('[data-test-id="node-error-description"]').first();
		const problems = await description.locator('ul').first().locator('li').allInnerTexts();
		expect(problems).toEqual([
			'[AZDC-1044] URL: "URL" and "Url" are both URL.',
			'[AZDC-1004] ConnectorType: ConnectorType is "Jira"; this node handles "AzureDevOps" only.',
			'[AZDC-1011] URL: "http://dev.azure.com/…" uses http.',
			'[AZDC-1020] AccessToken: AccessToken (text) is not a whole number of 0 or more.',
		]);
		expect(await description.innerText()).toContain('How to fix:');
		await page.screenshot({ path: path.join(shots, 'editor-multi-fault-error.png') });
		await page.keyboard.press('Escape');
	});

	test('a settings warning shows above the output, with the did-you-mean', async () => {
		const settings = seedSettings(stack, { WorkItemEndStat: 'Done' });
		delete settings.WorkItemEndState;
		const id = await stack.importWorkflow(createFromTicketWorkflow(stack, 'Settings with a misspelt key', settings));
		await editor.openWorkflow(page, stack.main.url, id);
		await editor.executeWorkflow(page);
		await editor.openNode(page, CREATE_NODE);
		await expect(
			editor.visibleText(page, 'Connector Settings: Unknown setting "WorkItemEndStat" is ignored. Did you mean "WorkItemEndState"?'),
		).resolves.toBe(true);
		await page.screenshot({ path: path.join(shots, 'editor-settings-warning.png') });
		await page.keyboard.press('Escape');
	});
});
