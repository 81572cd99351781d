// Request checking against Microsoft's published API descriptions (OpenAPI 2.0).
// The descriptions are generated from the service's route table, so they over-state some
// requirements (every route shows {project} and {team} as required, one GET merges two routes).
// Where the real service is known to be more lenient, the request is accepted and a "note" is
// recorded instead of a violation, so tests can still see that a client relied on the leniency.
import * as fs from 'fs';
import * as path from 'path';

export interface SpecParameter {
	name: string;
	in: 'path' | 'query' | 'body' | 'header' | 'formData';
	required?: boolean;
	type?: string;
	enum?: string[];
	$ref?: string;
}

export interface SpecOperation {
	source: string;
	method: string;
	template: string;
	operationId: string;
	consumes?: string[];
	parameters: SpecParameter[];
	/** Literal and parameter segments after `_apis/`. */
	suffix: string[];
	/** Parameters before `_apis/`, e.g. ['organization', 'project', 'team']. */
	scope: string[];
	/** The api-version the description names: preview resources must be asked for with -preview. */
	apiVersion: { preview: boolean; resourceVersion: number };
	/** Response schemas by status, and the description's definitions they refer to. */
	responses: Record<string, { schema?: unknown }>;
	definitions: Record<string, unknown>;
}

/** One set of descriptions: Azure DevOps Services (7.1 files), or one Azure DevOps Server release. */
export type SpecBookId = 'services' | 'server-5.0' | 'server-6.0' | 'server-7.0' | 'server-7.1';

export interface SpecViolation {
	at: string;
	method: string;
	path: string;
	organization?: string;
	operationId?: string;
	kind:
		| 'unknown-path'
		| 'missing-api-version'
		| 'invalid-api-version'
		| 'content-type'
		| 'missing-query-parameter'
		| 'invalid-parameter'
		| 'missing-body'
		| 'project-required';
	message: string;
	/** What the description requires, in words a test failure can show. */
	specRequires: string;
}

export interface SpecNote {
	at: string;
	method: string;
	path: string;
	operationId?: string;
	kind: 'api-version-in-accept-header' | 'numeric-patch-op' | 'project-omitted' | 'team-omitted' | 'description-over-requires' | 'supplement';
	message: string;
}

interface RawSpec {
	paths: Record<string, Record<string, { operationId: string; tags?: string[]; consumes?: string[]; parameters?: SpecParameter[]; responses?: Record<string, { schema?: unknown }> }>>;
	definitions?: Record<string, unknown>;
	parameters?: Record<string, SpecParameter & { description?: string }>;
}

/** The folder holding the descriptions: AZDO_OPENAPI_DIR, else ../shared beside the repo, else the bundled copy. */
export function resolveOpenApiDir(): string {
	const fromEnv = process.env.AZDO_OPENAPI_DIR;
	if (fromEnv && fs.existsSync(path.join(fromEnv, 'wit-7.1', 'workItemTracking.json'))) return fromEnv;
	const repoRoot = path.resolve(__dirname, '..', '..');
	// Compiled by the CLI's tsconfig into .tmp/emulator/test/emulator: walk up to the real repo root.
	const candidates = [repoRoot, path.resolve(__dirname, '..', '..', '..', '..')];
	for (const root of candidates) {
		const shared = path.resolve(root, '..', 'shared', 'azure-devops', 'openapi');
		if (fs.existsSync(path.join(shared, 'wit-7.1', 'workItemTracking.json'))) return shared;
	}
	for (const root of candidates) {
		const bundled = path.join(root, 'test', 'emulator', 'openapi');
		if (fs.existsSync(path.join(bundled, 'wit-7.1', 'workItemTracking.json'))) return bundled;
	}
	return path.join(__dirname, 'openapi');
}

const parsed = new Map<string, RawSpec>();

function readJson(file: string): RawSpec {
	let raw = parsed.get(file);
	if (!raw) {
		// Microsoft's files start with a byte-order mark, which JSON.parse rejects.
		raw = JSON.parse(fs.readFileSync(file, 'utf8').replace(/^\uFEFF/, '')) as RawSpec;
		parsed.set(file, raw);
	}
	return raw;
}

/** The bundled copy in test/emulator/openapi: the per-version Server descriptions live only there. */
export function bundledOpenApiDir(): string {
	const candidates = [path.resolve(__dirname, '..', '..'), path.resolve(__dirname, '..', '..', '..', '..')];
	for (const root of candidates) {
		const bundled = path.join(root, 'test', 'emulator', 'openapi');
		if (fs.existsSync(path.join(bundled, 'wit-azure-devops-server-5.0.json'))) return bundled;
	}
	return path.join(__dirname, 'openapi');
}

function splitTemplate(template: string): { scope: string[]; suffix: string[] } {
	const idx = template.indexOf('/_apis/');
	const head = template.slice(0, idx).split('/').filter(Boolean);
	const tail = template.slice(idx + '/_apis/'.length).split('/').filter(Boolean);
	return { scope: head.map((s) => s.replace(/[{}]/g, '')), suffix: tail };
}

function toOperations(raw: RawSpec, source: string): SpecOperation[] {
	const ops: SpecOperation[] = [];
	for (const [template, methods] of Object.entries(raw.paths)) {
		if (!template.includes('/_apis/')) continue;
		const { scope, suffix } = splitTemplate(template);
		for (const [method, op] of Object.entries(methods)) {
			const parameters: SpecParameter[] = [];
			let apiVersion = { preview: false, resourceVersion: 1 };
			for (const p of op.parameters ?? []) {
				if (p.$ref) {
					const name = p.$ref.split('/').pop() ?? '';
					const resolved = raw.parameters?.[name];
					if (resolved) parameters.push({ ...resolved });
					const m = /preview\.(\d+)$/.exec(name);
					if (m) apiVersion = { preview: true, resourceVersion: Number(m[1]) };
				} else {
					parameters.push(p);
				}
			}
			ops.push({
				source,
				method: method.toUpperCase(),
				template,
				// The 5.0 descriptions name operations without their group ("Create" under the tag
				// "Work Items"); later ones write "Work Items_Create". One name for both.
				operationId: op.operationId.includes('_') || !op.tags?.[0] ? op.operationId : `${op.tags[0]}_${op.operationId}`,
				consumes: op.consumes,
				parameters,
				scope,
				suffix,
				apiVersion,
				responses: op.responses ?? {},
				definitions: raw.definitions ?? {},
			});
		}
	}
	return ops;
}

/**
 * Routes our nodes and Microsoft's client use that none of the supplied descriptions cover
 * (core projects and teams, connection data, resource areas). Written from the service's behaviour, kept
 * deliberately small, and reported as notes so nobody mistakes them for the published contract.
 */
const SUPPLEMENT: Array<{ method: string; template: string; operationId: string; preview: boolean }> = [
	{ method: 'GET', template: '/{organization}/_apis/projects', operationId: 'Projects_List', preview: false },
	{ method: 'GET', template: '/{organization}/_apis/projects/{projectId}', operationId: 'Projects_Get', preview: false },
	{ method: 'GET', template: '/{organization}/_apis/connectionData', operationId: 'Connection Data_Get', preview: false },
	{ method: 'GET', template: '/{organization}/_apis/ResourceAreas', operationId: 'Resource Areas_List', preview: true },
	// Core's "Teams - Get Teams", released from 5.0 on (the core descriptions are not bundled; projects are above too).
	{ method: 'GET', template: '/{organization}/_apis/projects/{projectId}/teams', operationId: 'Teams_Get Teams', preview: false },
];

export class SpecBook {
	readonly dir: string;
	private readonly books = new Map<SpecBookId, SpecOperation[]>();
	private readonly supplement: SpecOperation[];

	constructor(dir = resolveOpenApiDir()) {
		this.dir = dir;
		const wit = toOperations(readJson(path.join(dir, 'wit-7.1', 'workItemTracking.json')), 'wit-7.1');
		const hooks = toOperations(readJson(path.join(dir, 'hooks-7.1', 'serviceHooks.json')), 'hooks-7.1');
		const work = toOperations(readJson(path.join(bundledOpenApiDir(), 'work-7.1', 'work.json')), 'work-7.1');
		this.books.set('services', [...wit, ...hooks, ...work]);
		this.supplement = SUPPLEMENT.map((s) => {
			const { scope, suffix } = splitTemplate(s.template);
			return {
				source: 'emulator-supplement',
				method: s.method,
				template: s.template,
				operationId: s.operationId,
				parameters: [],
				scope,
				suffix,
				apiVersion: { preview: s.preview, resourceVersion: 1 },
				responses: {},
				definitions: {},
			};
		});
	}

	/** The operations of one book; Server books load on first use (Microsoft's per-release on-premises files). */
	operations(book: SpecBookId): SpecOperation[] {
		let ops = this.books.get(book);
		if (!ops) {
			const version = book.slice('server-'.length);
			const bundled = bundledOpenApiDir();
			// 7.1 Server work item tracking may come from the configured folder, like the Services files.
			const witFile =
				version === '7.1' && fs.existsSync(path.join(this.dir, 'wit-azure-devops-server-7.1.json'))
					? path.join(this.dir, 'wit-azure-devops-server-7.1.json')
					: path.join(bundled, `wit-azure-devops-server-${version}.json`);
			ops = [
				...toOperations(readJson(witFile), `wit-azure-devops-server-${version}`),
				...toOperations(readJson(path.join(bundled, `hooks-azure-devops-server-${version}.json`)), `hooks-azure-devops-server-${version}`),
				...toOperations(readJson(path.join(bundled, `work-azure-devops-server-${version}.json`)), `work-azure-devops-server-${version}`),
			];
			this.books.set(book, ops);
		}
		return ops;
	}

	operationCount(book: SpecBookId = 'services'): number {
		return this.operations(book).length;
	}

	/** Finds the operation for a request; `rest` is the path after `_apis/`, already split and decoded. */
	match(
		book: SpecBookId,
		method: string,
		rest: string[],
		hasProject: boolean,
		hasTeam: boolean,
	): { op: SpecOperation; params: Record<string, string>; exact: boolean } | undefined {
		const pools = [this.operations(book), this.supplement];
		let fallback: { op: SpecOperation; params: Record<string, string>; exact: boolean } | undefined;
		for (const pool of pools) {
			for (const op of pool) {
				if (op.method !== method) continue;
				const params = matchSuffix(op.suffix, rest);
				if (!params) continue;
				const wantsProject = op.scope.includes('project');
				const wantsTeam = op.scope.includes('team');
				if (hasProject && !wantsProject) continue;
				if (hasTeam && !wantsTeam) continue;
				const exact = hasProject === wantsProject && hasTeam === wantsTeam;
				if (exact) return { op, params, exact };
				fallback ??= { op, params, exact };
			}
		}
		return fallback;
	}

	/** Whether any operation (any method) has this path: a wrong method is then a 405, not a 404. */
	pathKnown(book: SpecBookId, rest: string[]): boolean {
		const pools = [this.operations(book), this.supplement];
		return pools.some((pool) => pool.some((op) => matchSuffix(op.suffix, rest) !== undefined));
	}

	/** The operation with this id in a book, if the release has it. */
	find(book: SpecBookId, operationId: string): SpecOperation | undefined {
		return this.operations(book).find((o) => o.operationId === operationId) ?? this.supplement.find((o) => o.operationId === operationId);
	}
}

function matchSuffix(template: string[], rest: string[]): Record<string, string> | undefined {
	if (template.length !== rest.length) return undefined;
	const params: Record<string, string> = {};
	for (let i = 0; i < template.length; i++) {
		const t = template[i];
		const r = rest[i];
		const m = /^(.*)\{([^}]+)\}$/.exec(t);
		if (m) {
			// `${type}` is a literal dollar followed by the type name.
			if (!r.startsWith(m[1]) || r.length === m[1].length) return undefined;
			params[m[2]] = r.slice(m[1].length);
		} else if (t.toLowerCase() !== r.toLowerCase()) {
			// The service's routes are case-insensitive: `workItems` and `workitems` are one route.
			return undefined;
		}
	}
	return params;
}

/** Content type of a request, lower-cased, without parameters such as charset. */
export function mediaType(header: string | undefined): string {
	return (header ?? '').split(';')[0].trim().toLowerCase();
}

/** Operations where the service accepts the call without a project, though the description lists {project}. */
export const PROJECT_OPTIONAL = new Set([
	'Work Items_Get Work Item',
	'Work Items_Update',
	'Work Items_Delete',
	'Work Items_List',
	'Work Items_Get Work Items Batch',
	'Wiql_Query By Wiql',
	'Fields_List',
	'Fields_Get',
]);

/** Query parameters the description marks required that the service does not require. */
export const OVER_REQUIRED_QUERY: Record<string, string[]> = {
	// The description merges "list comments" and "get comments batch" into one route.
	'Comments_Get Comments Batch': ['ids'],
};
