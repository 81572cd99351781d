import type { ILoadOptionsFunctions, INodeListSearchItems, INodeListSearchResult } from 'n8n-workflow';

import { parseAzureDevOpsUrl } from '../connector/azureDevOpsUrl';
import { wiqlString } from '../connector/wiql';
import { credentialOrganizations, credentialTypeOf } from '../actions/target';
import { apiPath, azureDevOpsRequest } from '../transport';
import { chosenProject } from './projectContext';

interface ProjectList {
	value: Array<{ id: string; name: string; description?: string }>;
}

/** Projects of every organization in the credential; the value is the project URL, so it names its organization. */
export async function searchProjects(this: ILoadOptionsFunctions, filter?: string): Promise<INodeListSearchResult> {
	const credentialType = credentialTypeOf(this);
	const organizations = await credentialOrganizations(this, credentialType);
	const needle = (filter ?? '').trim().toLowerCase();
	const results: INodeListSearchItems[] = [];
	for (const { organizationUrl } of organizations) {
		const response = await azureDevOpsRequest.call(this, credentialType, {
			method: 'GET',
			organizationUrl,
			path: apiPath('_apis', 'projects'),
			query: { $top: 500 },
		});
		const organization = parseAzureDevOpsUrl(organizationUrl, { allowHttp: true }).organization;
		for (const project of (response.body as unknown as ProjectList).value ?? []) {
			if (needle && !project.name.toLowerCase().includes(needle)) continue;
			results.push({
				name: organizations.length > 1 ? `${project.name} (${organization})` : project.name,
				value: `${organizationUrl}/${encodeURIComponent(project.name)}`,
				url: `${organizationUrl}/${encodeURIComponent(project.name)}`,
			});
		}
	}
	results.sort((a, b) => a.name.localeCompare(b.name));
	return { results };
}

interface WiqlResult {
	workItems: Array<{ id: number }>;
}

interface WorkItemBatch {
	value: Array<{ id: number; fields: Record<string, unknown> }>;
}

/** The project's most recently changed work items, filtered by title or id. */
export async function searchWorkItems(this: ILoadOptionsFunctions, filter?: string): Promise<INodeListSearchResult> {
	const location = await chosenProject(this);
	if (!location) return { results: [] };
	const { credentialType } = location;

	const text = (filter ?? '').trim();
	const condition = /^\d+$/.test(text)
		? ` AND [System.Id] = ${text}`
		: text
			? ` AND [System.Title] CONTAINS ${wiqlString(text)}`
			: '';
	const query = `SELECT [System.Id] FROM WorkItems WHERE [System.TeamProject] = @project${condition} ORDER BY [System.ChangedDate] DESC`;
	const wiql = await azureDevOpsRequest.call(this, credentialType, {
		method: 'POST',
		organizationUrl: location.organizationUrl,
		path: apiPath(location.project, '_apis', 'wit', 'wiql'),
		query: { $top: 50 },
		body: { query },
		// A query changes nothing, so it may be resent.
		idempotent: true,
	});
	const ids = ((wiql.body as unknown as WiqlResult).workItems ?? []).map((item) => item.id).slice(0, 50);
	if (ids.length === 0) return { results: [] };
	const batch = await azureDevOpsRequest.call(this, credentialType, {
		method: 'GET',
		organizationUrl: location.organizationUrl,
		path: apiPath(location.project, '_apis', 'wit', 'workitems'),
		query: { ids: ids.join(','), fields: 'System.Id,System.Title,System.WorkItemType,System.State' },
	});
	const webBase = `${location.organizationUrl}/${encodeURIComponent(location.project)}/_workitems/edit`;
	return {
		results: ((batch.body as unknown as WorkItemBatch).value ?? []).map((item) => ({
			name: `${item.id}: ${String(item.fields['System.Title'] ?? '')} (${String(item.fields['System.WorkItemType'] ?? '')}, ${String(item.fields['System.State'] ?? '')})`,
			value: String(item.id),
			url: `${webBase}/${item.id}`,
		})),
	};
}
