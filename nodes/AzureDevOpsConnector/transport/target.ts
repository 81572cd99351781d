/**
 * Where a call goes: which credential, which organization or collection, which project, and what that server
 * offers. One resolver for the actions (per item), the trigger (at activation and per delivery) and the editor's
 * lists alike. Faults are ConnectorErrors; each caller's boundary turns them into the error n8n shows.
 */
import type {
	IExecuteFunctions,
	IHookFunctions,
	ILoadOptionsFunctions,
	INodeParameterResourceLocator,
	IWebhookFunctions,
} from 'n8n-workflow';

import { parseAzureDevOpsUrl } from '../connector/azureDevOpsUrl';
import { ConnectorError } from '../connector/errors';
import { splitOrganizationList } from '../connector/organizationTokens';
import { entraOrganizations, isEntraCredentialType } from './entraToken';
import type { AzureDevOpsCredentialType } from './request';

/** An organization (Services) or collection (Server), reached with one credential. */
export interface OrganizationTarget {
	credentialType: AzureDevOpsCredentialType;
	/** Canonical URL, no trailing slash. */
	organizationUrl: string;
}

/** A project in an organization or collection. */
export interface Target extends OrganizationTarget {
	project: string;
}

export type TargetContext = IExecuteFunctions | ILoadOptionsFunctions | IHookFunctions | IWebhookFunctions;

const CREDENTIAL_TYPES: readonly AzureDevOpsCredentialType[] = [
	'azureDevOpsApi',
	'azureDevOpsMultiOrgApi',
	'azureDevOpsServicePrincipalApi',
	'azureDevOpsManagedIdentityApi',
	'azureDevOpsOAuth2Api',
];

/** The credential type an `authentication` parameter names, or undefined for anything else. */
export function readCredentialType(value: unknown): AzureDevOpsCredentialType | undefined {
	return CREDENTIAL_TYPES.find((type) => type === value);
}

/** The organizations a credential lists, in its order. */
export async function credentialOrganizations(
	context: TargetContext,
	credentialType: AzureDevOpsCredentialType,
): Promise<OrganizationTarget[]> {
	const credentials = await context.getCredentials(credentialType);
	const allowHttp = credentials.allowHttp === true;
	const urls =
		credentialType === 'azureDevOpsApi'
			? [String(credentials.organizationUrl ?? '')]
			: isEntraCredentialType(credentialType) || credentialType === 'azureDevOpsOAuth2Api'
				? entraOrganizations(credentials.organizations, allowHttp)
				: splitOrganizationList(String(credentials.organizations ?? ''));
	return urls.map((url) => ({
		credentialType,
		organizationUrl: parseAzureDevOpsUrl(url, { allowHttp, field: 'Organization URL', asOrganization: true }).organizationUrl,
	}));
}

/** The text of a Project resource locator (or plain string) and how it was given. */
function locatorOf(project: INodeParameterResourceLocator | string | null | undefined): { value: string; mode: string } {
	if (project === null || project === undefined) return { value: '', mode: 'name' };
	if (typeof project === 'string') return { value: project.trim(), mode: 'name' };
	return { value: String(project.value ?? '').trim(), mode: String(project.mode ?? 'name') };
}

/**
 * The target of a Project parameter: a project URL (from the list or typed) names its organization; a project name
 * needs a credential with exactly one organization (the editor's lists, `nameInFirstOrganization`, look in the first).
 */
export async function resolveTarget(
	context: TargetContext,
	credentialType: AzureDevOpsCredentialType,
	project: INodeParameterResourceLocator | string | null | undefined,
	options: { nameInFirstOrganization?: boolean } = {},
): Promise<Target> {
	const { value, mode } = locatorOf(project);
	if (value === '') {
		throw new ConnectorError('projectNotChosen', 'No project is set.', { field: 'Project' });
	}
	const credentials = await context.getCredentials(credentialType);
	const allowHttp = credentials.allowHttp === true;
	const organizations = await credentialOrganizations(context, credentialType);
	if (mode === 'list' || mode === 'url' || /^https?:\/\//i.test(value)) {
		const location = parseAzureDevOpsUrl(value, {
			allowHttp,
			requireProject: true,
			field: 'Project',
			organizations: organizations.map((organization) => organization.organizationUrl),
		});
		return { credentialType, organizationUrl: location.organizationUrl, project: location.project as string };
	}
	if (organizations.length !== 1 && !(options.nameInFirstOrganization && organizations.length > 1)) {
		throw new ConnectorError(
			'projectNotChosen',
			`"${value}" is a project name, but the credential has ${organizations.length} organizations.`,
			{ field: 'Project' },
		);
	}
	return { ...organizations[0], project: value };
}

/** The address of a work item in the Azure DevOps web UI. */
export function workItemWebUrl(target: OrganizationTarget, project: string, id: number): string {
	return `${target.organizationUrl}/${encodeURIComponent(project)}/_workitems/edit/${id}`;
}

/** The API URL of a work item, as relations point to it. */
export function workItemApiUrl(target: OrganizationTarget, id: number): string {
	return `${target.organizationUrl}/_apis/wit/workItems/${id}`;
}
