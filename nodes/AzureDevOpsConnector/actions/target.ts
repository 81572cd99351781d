/**
 * Where an operation acts: which credential, which organization, which project, which work item. Resolved from the
 * node's parameters once per item, so every operation addresses Azure DevOps the same way.
 */
import type { IExecuteFunctions, ILoadOptionsFunctions, INodeParameterResourceLocator } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { parseAzureDevOpsUrl } from '../connector/azureDevOpsUrl';
import { ConnectorError } from '../connector/errors';
import { splitOrganizationList } from '../connector/organizationTokens';
import type { AzureDevOpsCredentialType } from '../transport';

export interface ProjectTarget {
	credentialType: AzureDevOpsCredentialType;
	organizationUrl: string;
	project: string;
}

type ParameterContext = IExecuteFunctions | ILoadOptionsFunctions;

/** The credential type the node is set to use. */
export function credentialTypeOf(context: ParameterContext, itemIndex = 0): AzureDevOpsCredentialType {
	const authentication =
		'getInputData' in context
			? context.getNodeParameter('authentication', itemIndex, 'azureDevOpsApi')
			: context.getCurrentNodeParameter('authentication');
	return authentication === 'azureDevOpsMultiOrgApi' ? 'azureDevOpsMultiOrgApi' : 'azureDevOpsApi';
}

/** The organization URLs the node's credential holds, in the credential's order. */
export async function credentialOrganizations(
	context: ParameterContext,
	credentialType: AzureDevOpsCredentialType,
): Promise<Array<{ organizationUrl: string; allowHttp: boolean }>> {
	const credentials = await context.getCredentials(credentialType);
	const allowHttp = credentials.allowHttp === true;
	const urls =
		credentialType === 'azureDevOpsApi'
			? [String(credentials.organizationUrl ?? '')]
			: splitOrganizationList(String(credentials.organizations ?? ''));
	return urls.map((url) => ({
		organizationUrl: parseAzureDevOpsUrl(url, { allowHttp, field: 'Organization URL' }).organizationUrl,
		allowHttp,
	}));
}

/** Resolves the Project resource locator (from the list, by URL, or by name) to organization and project. */
export async function resolveProject(
	context: IExecuteFunctions,
	itemIndex: number,
	parameterName = 'project',
): Promise<ProjectTarget> {
	const credentialType = credentialTypeOf(context, itemIndex);
	const locator = context.getNodeParameter(parameterName, itemIndex) as INodeParameterResourceLocator | string;
	const value = String(typeof locator === 'string' ? locator : (locator.value ?? '')).trim();
	const mode = typeof locator === 'string' ? 'name' : locator.mode;
	const organizations = await credentialOrganizations(context, credentialType);
	const allowHttp = organizations.some((org) => org.allowHttp);

	if (value === '') {
		throw operationError(context, new ConnectorError('projectNotChosen', 'No project is set.', { field: 'Project' }), itemIndex);
	}
	if (mode === 'list' || mode === 'url' || /^https?:\/\//i.test(value)) {
		try {
			const location = parseAzureDevOpsUrl(value, { allowHttp, requireProject: true, field: 'Project' });
			return { credentialType, organizationUrl: location.organizationUrl, project: location.project as string };
		} catch (error) {
			throw operationError(context, error as ConnectorError, itemIndex);
		}
	}
	if (organizations.length !== 1) {
		throw operationError(
			context,
			new ConnectorError(
				'projectNotChosen',
				`"${value}" is a project name, but the credential has ${organizations.length} organizations.`,
				{ field: 'Project' },
			),
			itemIndex,
		);
	}
	return { credentialType, organizationUrl: organizations[0].organizationUrl, project: value };
}

/** Reads a work item id from the Work Item resource locator: an id, or an API or web URL of the work item. */
export function workItemIdFrom(value: unknown): number | undefined {
	const raw =
		value && typeof value === 'object' && 'value' in value
			? (value as INodeParameterResourceLocator).value
			: value;
	const text = String(raw ?? '').trim();
	const fromUrl = /(?:\/workitems\/|\/_workitems\/edit\/|[?&]id=)(\d+)/i.exec(text);
	const candidate = fromUrl ? fromUrl[1] : text;
	if (!/^\d+$/.test(candidate)) return undefined;
	const id = Number(candidate);
	return Number.isSafeInteger(id) && id > 0 ? id : undefined;
}

/** A coded fault from the connector core as the NodeOperationError n8n shows, with its item index. */
export function operationError(
	context: IExecuteFunctions | ILoadOptionsFunctions,
	error: ConnectorError,
	itemIndex?: number,
): NodeOperationError {
	const nodeError = new NodeOperationError(context.getNode(), error.message, {
		description: error.fix,
		itemIndex,
	});
	nodeError.context.code = error.code;
	return nodeError;
}
