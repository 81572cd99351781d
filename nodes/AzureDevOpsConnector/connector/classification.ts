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

/** Which team's current iteration a value asks for: `{}` for the project's default team. */
export interface CurrentIterationAsk {
	team?: string;
	project?: string;
}

const MAX_MACRO_LENGTH = 600;

/**
 * Reads the current-iteration macro as WIQL writes it: `@currentIteration` (the default team),
 * `@currentIteration('[Project]\Team')` or `@currentIteration('Team')`, any case; undefined for anything else.
 */
export function parseCurrentIteration(value: unknown): CurrentIterationAsk | undefined {
	if (typeof value !== 'string') return undefined;
	const text = value.trim();
	if (text.length > MAX_MACRO_LENGTH || !text.toLowerCase().startsWith(CURRENT_ITERATION.toLowerCase())) return undefined;
	const rest = text.slice(CURRENT_ITERATION.length).trim();
	if (rest === '') return {};
	if (!rest.startsWith('(') || !rest.endsWith(')')) return undefined;
	const quoted = rest.slice(1, -1).trim();
	const quote = quoted[0];
	if ((quote !== "'" && quote !== '"') || quoted.length < 2 || quoted[quoted.length - 1] !== quote) return undefined;
	const inner = quoted.slice(1, -1).trim();
	if (inner === '') return {};
	const scoped = /^\[([^\]]+)\]\\(.+)$/.exec(inner);
	if (scoped) return { project: scoped[1].trim(), team: scoped[2].trim() };
	return { team: inner };
}

/** The value that asks for a team's current iteration, as the editor list offers it. */
export function currentIterationOf(team: string, project: string): string {
	return `${CURRENT_ITERATION}('[${project}]\\${team}')`;
}
