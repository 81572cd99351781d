/**
 * Areas and iterations: the project's classification trees as the paths work item fields take. The service names a
 * node "\Project\Area\Web"; System.AreaPath takes "Project\Web" (the structure segment left out).
 */

/** A classification node as the service returns it (the parts read here). */
export interface ClassificationNode {
	name?: string;
	path?: string;
	attributes?: Record<string, unknown>;
	children?: ClassificationNode[];
}

export interface ClassificationPath {
	/** The value System.AreaPath / System.IterationPath take, e.g. "Service Desk\Sprint 2". */
	path: string;
	startDate?: string;
	finishDate?: string;
}

/** The value "the current iteration" is chosen by, in editor lists and parameters. */
export const CURRENT_ITERATION = '@currentIteration';

/** Every node of a tree, root first, as field paths (built from the names: older servers give nodes no path). */
export function classificationPaths(root: ClassificationNode): ClassificationPath[] {
	const result: ClassificationPath[] = [];
	const walk = (node: ClassificationNode, parent: string | undefined) => {
		const name = node.name ?? '';
		const path = parent === undefined ? (name || fieldPath(node.path ?? '')) : `${parent}\\${name}`;
		if (!path) return;
		const entry: ClassificationPath = { path };
		const start = node.attributes?.startDate;
		const finish = node.attributes?.finishDate;
		if (typeof start === 'string') entry.startDate = start;
		if (typeof finish === 'string') entry.finishDate = finish;
		result.push(entry);
		for (const child of node.children ?? []) walk(child, path);
	};
	walk(root, undefined);
	return result;
}

/** "\Project\Area\Web" → "Project\Web"; "\Project\Iteration" → "Project". */
export function fieldPath(nodePath: string): string | undefined {
	const segments = nodePath.split('\\').filter(Boolean);
	if (segments.length < 2) return segments[0];
	return [segments[0], ...segments.slice(2)].join('\\');
}

/** The iteration whose dates contain `now` (the latest start wins when several do), or undefined. */
export function currentIteration(paths: readonly ClassificationPath[], now: number): ClassificationPath | undefined {
	let best: ClassificationPath | undefined;
	for (const entry of paths) {
		if (!entry.startDate || !entry.finishDate) continue;
		const start = Date.parse(entry.startDate);
		// A finish date is the sprint's last day: it counts until that day ends.
		const finish = Date.parse(entry.finishDate) + (/T00:00:00/.test(entry.finishDate) ? 86_400_000 : 0);
		if (Number.isNaN(start) || Number.isNaN(finish) || now < start || now >= finish) continue;
		if (!best || start > Date.parse(best.startDate!)) best = entry;
	}
	return best;
}
