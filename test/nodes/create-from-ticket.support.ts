// Shared set-up for the Create From Ticket tests: the node run through the n8n harness against the emulator.
import type { IDataObject, INodeParameters } from 'n8n-workflow';

import { AzureDevOpsApi } from '../../credentials/AzureDevOpsApi.credentials';
import { AzureDevOpsMultiOrgApi } from '../../credentials/AzureDevOpsMultiOrgApi.credentials';
import { AzureDevOpsServicePrincipalApi } from '../../credentials/AzureDevOpsServicePrincipalApi.credentials';
import { AzureDevOpsConnector } from '../../nodes/AzureDevOpsConnector/AzureDevOpsConnector.node';
import { FABRIKAM_TOKEN, type Emulator, type RequestRecord } from '../emulator';
import { runNode } from '../support/n8n';

export const NODE_TYPE = 'n8n-nodes-azure-devops-connector.azureDevOpsConnector';
export const BEGIN_STATE = 'Synchronization to DevOps';

/** The seed's Connector Settings, exactly in its shape: AttributeMap as a JSON string inside the JSON. */
export function seedSettings(projectUrl: string, overrides: Record<string, unknown> = {}): string {
	return JSON.stringify(
		{
			ConnectorType: 'AzureDevOps',
			URL: projectUrl,
			AccessToken: '0',
			AttributeMap:
				'{"System.Title":"[$TicketTitle$]", "System.Description":"[$LatestImportantMessage$]", "System.WorkItemType": "Task"}',
			BeginState: BEGIN_STATE,
			EndState: 'Return from DevOps',
			WorkItemEndState: 'Closed',
			...overrides,
		},
		null,
		2,
	);
}

/** A service-desk ticket as an upstream node hands it over (ALVAO-style names). */
export function ticket(id: number, extra: IDataObject = {}): IDataObject {
	return {
		TicketID: id,
		TicketTitle: `Printer ${id} is jammed`,
		LatestImportantMessage: `Paper stuck in tray ${id} <again>`,
		TicketUrl: `https://servicedesk.example.com/tickets/${id}`,
		state: BEGIN_STATE,
		...extra,
	};
}

export function serviceDeskUrl(emu: Emulator): string {
	return `${emu.orgUrl('fabrikam')}/Service%20Desk`;
}

export interface RunOptions {
	tickets: IDataObject[];
	parameters?: INodeParameters;
	options?: IDataObject;
	continueOnFail?: boolean;
	credentials?: Record<string, IDataObject>;
	authentication?: 'azureDevOpsApi' | 'azureDevOpsMultiOrgApi' | 'azureDevOpsServicePrincipalApi';
}

/** Runs Start → Azure DevOps Connector (Create From Ticket) with the given tickets as input items. */
export async function createFromTicket(emu: Emulator, run: RunOptions) {
	const authentication = run.authentication ?? 'azureDevOpsApi';
	return await runNode({
		type: NODE_TYPE,
		nodeTypes: { [NODE_TYPE]: new AzureDevOpsConnector() },
		credentialTypes: [new AzureDevOpsApi(), new AzureDevOpsMultiOrgApi(), new AzureDevOpsServicePrincipalApi()],
		credentials: (run.credentials ?? {
			azureDevOpsApi: { organizationUrl: emu.orgUrl('fabrikam'), accessToken: FABRIKAM_TOKEN, allowHttp: true },
		}) as never,
		parameters: {
			authentication,
			resource: 'workItem',
			operation: 'createFromTicket',
			configuration: 'settingsJson',
			connectorSettings: seedSettings(serviceDeskUrl(emu)),
			...run.parameters,
			options: { ...(run.options ?? {}) } as INodeParameters,
		},
		inputItems: run.tickets,
		continueOnFail: run.continueOnFail,
	});
}

/** Creates sent to the emulator (answered or not). */
export function createRequests(emu: Emulator): RequestRecord[] {
	return emu.requests().filter((r) => r.method === 'POST' && /\/_apis\/wit\/workitems\/\$/i.test(r.path));
}

export function wiqlRequests(emu: Emulator): RequestRecord[] {
	return emu.requests().filter((r) => r.method === 'POST' && /\/_apis\/wit\/wiql/i.test(r.path));
}
