// The layout DESIGN.md promises, checked on the source: one client knows the REST API, connector/ stays free of n8n,
// and no two files of the nodes import each other in a circle.
import * as fs from 'fs';
import * as path from 'path';

const ROOT = path.join(__dirname, '..', '..');
const NODES = path.join(ROOT, 'nodes');

function sourceFiles(dir: string): string[] {
	return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
		const full = path.join(dir, entry.name);
		if (entry.isDirectory()) return sourceFiles(full);
		return entry.name.endsWith('.ts') ? [full] : [];
	});
}

/** Source without its comments, so that a comment naming a route is not taken for code using it. */
function withoutComments(text: string): string {
	return text.replace(/\/\*[\s\S]*?\*\//g, '').replace(/^\s*\/\/.*$/gm, '');
}

const files = [...sourceFiles(NODES), ...sourceFiles(path.join(ROOT, 'credentials'))];
const rel = (file: string) => path.relative(ROOT, file).split(path.sep).join('/');
const inTransport = (file: string) => rel(file).includes('/transport/');

/** The project files a file imports (type-only imports included: a circle of types is still a circle to read). */
function importsOf(file: string): string[] {
	const text = fs.readFileSync(file, 'utf8');
	const found: string[] = [];
	for (const match of text.matchAll(/^(?:import|export)\s[^;]*?from\s+'(\.[^']+)'/gm)) {
		const base = path.resolve(path.dirname(file), match[1]);
		for (const candidate of [`${base}.ts`, path.join(base, 'index.ts')]) {
			if (fs.existsSync(candidate)) {
				found.push(candidate);
				break;
			}
		}
	}
	return found;
}

describe('the package\'s layout', () => {
	it('only transport/ sends requests or knows Azure DevOps REST paths and versions', () => {
		const outside = files
			.filter((file) => !inTransport(file))
			.filter((file) => {
				const text = withoutComments(fs.readFileSync(file, 'utf8'));
				// connector/ reads the REST URLs that deliveries carry; it builds no request
				const apiPath = /['`"][^'`"]*\/_apis\//.test(text) && !rel(file).includes('/connector/');
				// a version written out (the credential's declarative test takes its version from transport/)
				const version = /api-version['"]?\s*[:=]\s*['"`\d]/.test(text);
				return /httpRequestWithAuthentication|requestWithAuthentication/.test(text) || apiPath || version;
			})
			.map(rel);
		expect(outside).toEqual([]);
	});

	it('connector/ is pure: no n8n import', () => {
		const impure = files
			.filter((file) => rel(file).includes('/connector/'))
			.filter((file) => /from\s+'n8n-(workflow|core)'/.test(fs.readFileSync(file, 'utf8')))
			.map(rel);
		expect(impure).toEqual([]);
	});

	it('no import circle in nodes/', () => {
		const graph = new Map(files.map((file) => [file, importsOf(file)]));
		const cycles: string[] = [];
		const state = new Map<string, 'visiting' | 'done'>();
		const stack: string[] = [];
		const visit = (file: string) => {
			if (state.get(file) === 'done') return;
			if (state.get(file) === 'visiting') {
				cycles.push([...stack.slice(stack.indexOf(file)), file].map(rel).join(' -> '));
				return;
			}
			state.set(file, 'visiting');
			stack.push(file);
			for (const next of graph.get(file) ?? []) visit(next);
			stack.pop();
			state.set(file, 'done');
		};
		for (const file of graph.keys()) visit(file);
		expect(cycles).toEqual([]);
	});
});
