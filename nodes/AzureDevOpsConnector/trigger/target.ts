/** The organization and project the trigger watches, from its credential and Project parameter. */
import type { IHookFunctions, INodeParameterResourceLocator, IWebhookFunctions } from 'n8n-workflow';

import { parseAzureDevOpsUrl } from '../connector/azureDevOpsUrl';
import { ConnectorError } from '../connector/errors';
import { splitOrganizationList } from '../connector/organizationTokens';
import type { AzureDevOpsCredentialType } from '../transport';

export interface TriggerTarget {
	credentialType: AzureDevOpsCredentialType;
	organizationUrl: string;
	project: string;
}

/** Resolves the Project locator (list, URL or name) against the credential; faults are ConnectorErrors. */
export async function resolveTriggerTarget(
	context: IHookFunctions | IWebhookFunctions,
	credentialType: AzureDevOpsCredentialType,
	locator: INodeParameterResourceLocator | null,
): Promise<TriggerTarget> {
	const value = String(locator?.value ?? '').trim();
	if (value === '') {
		throw new ConnectorError('projectNotChosen', 'No project is set.', { field: 'Project' });
	}
	const credentials = await context.getCredentials(credentialType);
	const allowHttp = credentials.allowHttp === true;
	if (locator?.mode === 'list' || locator?.mode === 'url' || /^https?:\/\//i.test(value)) {
		const location = parseAzureDevOpsUrl(value, { allowHttp, requireProject: true, field: 'Project' });
		return { credentialType, organizationUrl: location.organizationUrl, project: location.project as string };
	}
	const urls =
		credentialType === 'azureDevOpsApi'
			? [String(credentials.organizationUrl ?? '')]
			: splitOrganizationList(String(credentials.organizations ?? ''));
	if (urls.length !== 1) {
		throw new ConnectorError(
			'projectNotChosen',
			`"${value}" is a project name, but the credential has ${urls.length} organizations.`,
			{ field: 'Project' },
		);
	}
	const organizationUrl = parseAzureDevOpsUrl(urls[0], { allowHttp, field: 'Organization URL' }).organizationUrl;
	return { credentialType, organizationUrl, project: value };
}
