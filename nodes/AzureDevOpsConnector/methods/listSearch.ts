import type { ILoadOptionsFunctions, INodeListSearchItems, INodeListSearchResult } from 'n8n-workflow';

import { parseAzureDevOpsUrl } from '../connector/azureDevOpsUrl';
import { wiqlString } from '../connector/wiql';
import { credentialTypeOf } from '../actions/target';
import { credentialOrganizations, projects, wiql, workItems, workItemWebUrl } from '../transport';
import { chosenProject } from './projectContext';

/** Projects of every organization in the credential; the value is the project URL, so it names its organization. */
export async function searchProjects(this: ILoadOptionsFunctions, filter?: string): Promise<INodeListSearchResult> {
	const credentialType = credentialTypeOf(this);
	const organizations = await credentialOrganizations(this, credentialType);
	const needle = (filter ?? '').trim().toLowerCase();
	const results: INodeListSearchItems[] = [];
	for (const organizationTarget of organizations) {
		const { organizationUrl } = organizationTarget;
		const list = await projects.list(this, organizationTarget, { top: 500 });
		const organization = parseAzureDevOpsUrl(organizationUrl, { allowHttp: true }).organization;
		for (const project of list) {
			if (typeof project.name !== 'string') continue;
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

/** The project's most recently changed work items, filtered by title or id. */
export async function searchWorkItems(this: ILoadOptionsFunctions, filter?: string): Promise<INodeListSearchResult> {
	const location = await chosenProject(this);
	if (!location) return { results: [] };

	const text = (filter ?? '').trim();
	const condition = /^\d+$/.test(text)
		? ` AND [System.Id] = ${text}`
		: text
			? ` AND [System.Title] CONTAINS ${wiqlString(text)}`
			: '';
	const query = `SELECT [System.Id] FROM WorkItems WHERE [System.TeamProject] = @project${condition} ORDER BY [System.ChangedDate] DESC`;
	const ids = (await wiql.query(this, location, query, { top: 50 })).slice(0, 50);
	if (ids.length === 0) return { results: [] };
	const found = await workItems.getMany(this, location, ids, {
		fields: ['System.Id', 'System.Title', 'System.WorkItemType', 'System.State'],
	});
	return {
		results: found.map((item) => ({
			name: `${item.id}: ${String(item.fields['System.Title'] ?? '')} (${String(item.fields['System.WorkItemType'] ?? '')}, ${String(item.fields['System.State'] ?? '')})`,
			value: String(item.id),
			url: workItemWebUrl(location, location.project, item.id),
		})),
	};
}
