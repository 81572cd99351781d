import type { ILoadOptionsFunctions, INodePropertyOptions } from 'n8n-workflow';

import { readTypeStates } from '../actions/workItem/operationHelpers';
import { classificationPaths, CURRENT_ITERATION, currentIterationOf } from '../connector/classification';
import { classificationNodes, fields as fieldsApi, relationTypes, teams as teamsApi, types } from '../transport';
import { chosenProject, chosenWorkItemType } from './projectContext';

const byName = (a: INodePropertyOptions, b: INodePropertyOptions) => a.name.localeCompare(b.name);

/** The work item types of the chosen project (disabled types left out). */
export async function getWorkItemTypes(this: ILoadOptionsFunctions): Promise<INodePropertyOptions[]> {
	const project = await chosenProject(this);
	if (!project) return [];
	return (await types.list(this, project))
		.filter((type) => typeof type.name === 'string' && type.name !== '' && type.isDisabled !== true)
		.map((type) => ({ name: type.name as string, value: type.name as string, description: type.description || undefined }))
		.sort(byName);
}

/** The states of the chosen work item type, or of the chosen work item's type, in the process' order. */
export async function getWorkItemStates(this: ILoadOptionsFunctions): Promise<INodePropertyOptions[]> {
	const project = await chosenProject(this);
	if (!project) return [];
	const type = await chosenWorkItemType(this, project);
	if (!type) return [];
	const states = (await readTypeStates(this, project, type)) ?? [];
	return states.map((state) => ({
		name: state.name,
		value: state.name,
		description: state.category ? `${type} state, category ${state.category}` : `${type} state`,
	}));
}

/** Fields of the chosen work item type (or of the project, when no type is known), by reference name. */
export async function getFields(this: ILoadOptionsFunctions): Promise<INodePropertyOptions[]> {
	const project = await chosenProject(this);
	if (!project) return [];
	const type = await chosenWorkItemType(this, project);
	const list: Array<{ name?: string; referenceName?: string; readOnly?: boolean; alwaysRequired?: boolean }> = type
		? await types.fields(this, project, type)
		: await fieldsApi.list(this, project);
	const seen = new Set<string>();
	const options: INodePropertyOptions[] = [];
	for (const field of list) {
		const reference = field.referenceName;
		if (!reference || field.readOnly === true || seen.has(reference.toLowerCase())) continue;
		seen.add(reference.toLowerCase());
		options.push({
			name: field.name ? `${field.name} (${reference})` : reference,
			value: reference,
			description: field.alwaysRequired ? 'Required' : undefined,
		});
	}
	return options.sort(byName);
}

/** The link types of the chosen project's organization that link work items, and Hyperlink. */
export async function getLinkTypes(this: ILoadOptionsFunctions): Promise<INodePropertyOptions[]> {
	const project = await chosenProject(this);
	if (!project) return [];
	return (await relationTypes.list(this, project))
		.filter((type) => type.attributes?.enabled !== false)
		.filter((type) => type.attributes?.usage !== 'resourceLink' || type.referenceName === 'Hyperlink')
		.map((type) => ({ name: type.name, value: type.referenceName, description: type.referenceName }))
		.sort(byName);
}

/** The project's area paths, as System.AreaPath takes them. */
export async function getAreaPaths(this: ILoadOptionsFunctions): Promise<INodePropertyOptions[]> {
	const project = await chosenProject(this);
	if (!project) return [];
	return classificationPaths(await classificationNodes.get(this, project, 'areas')).map((entry) => ({
		name: entry.path,
		value: entry.path,
	}));
}

/** "Current Iteration" (by the iteration dates, when the node runs), then the project's iteration paths with dates. */
export async function getIterationPaths(this: ILoadOptionsFunctions): Promise<INodePropertyOptions[]> {
	const project = await chosenProject(this);
	if (!project) return [];
	const [tree, teams] = await Promise.all([
		classificationNodes.get(this, project, 'iterations'),
		// Without the right to list teams, the default team's current iteration is still offered.
		teamsApi.list(this, project).catch(() => []),
	]);
	const paths = classificationPaths(tree);
	const [defaultTeam, ...otherTeams] = teams.map((team) => team.name ?? '').filter((name) => name !== '');
	return [
		{
			name: defaultTeam ? `Current Iteration (${defaultTeam}, the default team)` : 'Current Iteration (the default team)',
			value: CURRENT_ITERATION,
			description: 'The sprint the project\'s default team has running on the day the node runs',
		},
		...otherTeams.map((team) => ({
			name: `Current Iteration of ${team}`,
			value: currentIterationOf(team, project.project),
			description: `The sprint ${team} has running on the day the node runs`,
		})),
		...paths.map((entry) => ({
			name: entry.path,
			value: entry.path,
			description: entry.startDate && entry.finishDate ? `${entry.startDate.slice(0, 10)} – ${entry.finishDate.slice(0, 10)}` : undefined,
		})),
	];
}
