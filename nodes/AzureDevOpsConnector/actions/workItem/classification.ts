/**
 * Area and iteration paths in the operations: editor pickers from the project's classification trees, and "the
 * current iteration" (`@currentIteration`), resolved by the iteration dates once per project and node run.
 */
import type { IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import { classificationPaths, CURRENT_ITERATION, currentIteration } from '../../connector/classification';
import { ConnectorError } from '../../connector/errors';
import type { JsonPatchOperation } from '../../connector/types';
import { classificationNodes, type Target } from '../../transport';
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

// The iteration tree is read once per project and node run.
const iterationsByRun = new WeakMap<object, Map<string, Promise<ReturnType<typeof classificationPaths>>>>();

/**
 * The patch with `@currentIteration` in System.IterationPath replaced by the iteration whose dates contain now;
 * AZDC-5140 when no iteration of the project has such dates. Other patches come back as they are, with no request.
 */
export async function withCurrentIteration(
	context: IExecuteFunctions,
	target: Target,
	patch: JsonPatchOperation[],
	itemIndex: number,
): Promise<JsonPatchOperation[]> {
	const asks = (operation: JsonPatchOperation) =>
		operation.path.toLowerCase() === '/fields/system.iterationpath' &&
		typeof operation.value === 'string' &&
		operation.value.trim().toLowerCase() === CURRENT_ITERATION.toLowerCase();
	if (!patch.some(asks)) return patch;
	let cache = iterationsByRun.get(context);
	if (!cache) {
		cache = new Map();
		iterationsByRun.set(context, cache);
	}
	const key = `${target.organizationUrl}\n${target.project.toLowerCase()}`;
	let pending = cache.get(key);
	if (!pending) {
		pending = classificationNodes.get(context, target, 'iterations', {}, { itemIndex }).then(classificationPaths);
		cache.set(key, pending);
		pending.catch(() => cache?.delete(key));
	}
	const current = currentIteration(await pending, Date.now());
	if (!current) {
		throw operationError(
			context,
			new ConnectorError('currentIterationNone', `No iteration of ${target.project} has dates around today.`, {
				field: 'Iteration Path',
			}),
			itemIndex,
		);
	}
	return patch.map((operation) => (asks(operation) ? { ...operation, value: current.path } : operation));
}
