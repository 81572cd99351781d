/**
 * Where a list shown in the editor comes from: the project and work item the user has chosen so far, read from the
 * node's current parameters (load options and list search have no input items).
 */
import type { ILoadOptionsFunctions, INodeParameterResourceLocator } from 'n8n-workflow';

import { parseAzureDevOpsUrl } from '../connector/azureDevOpsUrl';
import { credentialOrganizations, credentialTypeOf, type ProjectTarget, workItemIdFrom } from '../actions/target';
import { apiPath, azureDevOpsRequest } from '../transport';

function locatorValue(value: unknown): string {
	if (value && typeof value === 'object' && 'value' in value) {
		return String((value as INodeParameterResourceLocator).value ?? '').trim();
	}
	return String(value ?? '').trim();
}

function currentParameter(context: ILoadOptionsFunctions, name: string): unknown {
	try {
		return context.getCurrentNodeParameter(name);
	} catch {
		// The parameter is not part of the chosen operation.
		return undefined;
	}
}

/** The chosen project as organization + project, or undefined while none is chosen. */
export async function chosenProject(context: ILoadOptionsFunctions): Promise<ProjectTarget | undefined> {
	const value = locatorValue(currentParameter(context, 'project'));
	if (value === '' || value.startsWith('=')) return undefined;
	const credentialType = credentialTypeOf(context);
	const organizations = await credentialOrganizations(context, credentialType);
	const allowHttp = organizations.some((org) => org.allowHttp);
	if (/^https?:\/\//i.test(value)) {
		const location = parseAzureDevOpsUrl(value, { allowHttp, requireProject: true, field: 'Project' });
		return { credentialType, organizationUrl: location.organizationUrl, project: location.project as string };
	}
	const organizationUrl = organizations[0]?.organizationUrl;
	return organizationUrl ? { credentialType, organizationUrl, project: value } : undefined;
}

/** The work item type chosen on the node, or the type of the chosen work item; undefined when neither is known. */
export async function chosenWorkItemType(
	context: ILoadOptionsFunctions,
	project: ProjectTarget,
): Promise<string | undefined> {
	const type = String(currentParameter(context, 'workItemType') ?? '').trim();
	if (type !== '' && !type.startsWith('=')) return type;
	const id = workItemIdFrom(locatorValue(currentParameter(context, 'workItem')));
	if (id === undefined) return undefined;
	const response = await azureDevOpsRequest.call(context, project.credentialType, {
		method: 'GET',
		organizationUrl: project.organizationUrl,
		path: apiPath(project.project, '_apis', 'wit', 'workitems', id),
		query: { fields: 'System.WorkItemType' },
	});
	const fields = ((response.body as { fields?: unknown }).fields ?? {}) as Record<string, unknown>;
	const found = fields['System.WorkItemType'];
	return typeof found === 'string' && found !== '' ? found : undefined;
}
