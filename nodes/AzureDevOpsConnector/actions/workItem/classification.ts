/**
 * Area and iteration paths in the operations: editor pickers from the project's classification trees, and "the
 * team's current iteration" (`@currentIteration` for the default team, `@currentIteration('[Project]\Team')` for
 * another), asked of the team's settings once per team and node run.
 */
import type { IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import { parseCurrentIteration } from '../../connector/classification';
import { ConnectorError } from '../../connector/errors';
import type { JsonPatchOperation } from '../../connector/types';
import { teamIterations, type Target } from '../../transport';
import { operationError } from '../target';

export const classificationOptions: INodeProperties[] = [
	{
		displayName: 'Area Path Name or ID',
		name: 'areaPath',
		type: 'options',
		typeOptions: { loadOptionsMethod: 'getAreaPaths', loadOptionsDependsOn: ['project.value'] },
		default: '',
		description:
			'The area the work item belongs to (System.AreaPath). Choose from the list, or specify an ID using an <a href="https://docs.n8n.io/code/expressions/">expression</a>.',
	},
	{
		displayName: 'Iteration Path Name or ID',
		name: 'iterationPath',
		type: 'options',
		typeOptions: { loadOptionsMethod: 'getIterationPaths', loadOptionsDependsOn: ['project.value'] },
		default: '',
		description:
			'The iteration (System.IterationPath); "Current Iteration" picks the iteration whose dates contain today when the node runs. Choose from the list, or specify an ID using an <a href="https://docs.n8n.io/code/expressions/">expression</a>.',
	},
];

/** The patch operations for the Area Path and Iteration Path options, when set. */
export function classificationPatch(options: { areaPath?: unknown; iterationPath?: unknown }): JsonPatchOperation[] {
	const patch: JsonPatchOperation[] = [];
	const area = String(options.areaPath ?? '').trim();
	const iteration = String(options.iterationPath ?? '').trim();
	if (area !== '') patch.push({ op: 'add', path: '/fields/System.AreaPath', value: area });
	if (iteration !== '') patch.push({ op: 'add', path: '/fields/System.IterationPath', value: iteration });
	return patch;
}

// A team's current iteration is asked once per team and node run.
const currentByRun = new WeakMap<object, Map<string, Promise<string | undefined>>>();

/**
 * The patch with the current-iteration macro in System.IterationPath replaced by the iteration the team has running
 * today (Project settings > Team configuration > Iterations); AZDC-5140 when the team has none. Other patches come
 * back as they are, with no request.
 */
export async function withCurrentIteration(
	context: IExecuteFunctions,
	target: Target,
	patch: JsonPatchOperation[],
	itemIndex: number,
): Promise<JsonPatchOperation[]> {
	const askOf = (operation: JsonPatchOperation) =>
		operation.path.toLowerCase() === '/fields/system.iterationpath' ? parseCurrentIteration(operation.value) : undefined;
	if (!patch.some((operation) => askOf(operation) !== undefined)) return patch;
	let cache = currentByRun.get(context);
	if (!cache) {
		cache = new Map();
		currentByRun.set(context, cache);
	}
	const result: JsonPatchOperation[] = [];
	for (const operation of patch) {
		const ask = askOf(operation);
		if (!ask) {
			result.push(operation);
			continue;
		}
		const scope: Target = ask.project ? { ...target, project: ask.project } : target;
		const key = `${scope.organizationUrl}\n${scope.project.toLowerCase()}\n${(ask.team ?? '').toLowerCase()}`;
		let pending = cache.get(key);
		if (!pending) {
			pending = teamIterations.current(context, scope, ask.team, { itemIndex }).then((iteration) => iteration?.path);
			cache.set(key, pending);
			pending.catch(() => cache?.delete(key));
		}
		const path = await pending;
		if (!path) {
			const team = ask.team ? `Team "${ask.team}"` : 'The default team';
			throw operationError(
				context,
				new ConnectorError('currentIterationNone', `${team} of ${scope.project} has no iteration running today.`, {
					field: 'Iteration Path',
				}),
				itemIndex,
			);
		}
		result.push({ ...operation, value: path });
	}
	return result;
}
