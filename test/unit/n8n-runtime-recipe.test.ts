// The real n8n lines are installed with `npm ci` from scripts/runtime/v<major>/ (an unpinned install broke CI when the
// registry mirror lacked a sub-dependency published after our last install). The lock must stay the one the scripts
// say they run, and install from the npm registry alone.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { RUNTIMES } from '../../scripts/lib/n8n';

const read = (file: string) => JSON.parse(fs.readFileSync(file, 'utf8'));

describe.each([2, 1] as const)('n8n %d.x install recipe', (major) => {
	const rt = RUNTIMES[major];
	const pkg = read(path.join(rt.recipe, 'package.json'));
	const lock = read(path.join(rt.recipe, 'package-lock.json'));

	it('pins the n8n version the scripts start (and Node 24 where the line needs it)', () => {
		expect(pkg.dependencies.n8n).toBe(rt.n8n);
		expect(lock.packages['node_modules/n8n'].version).toBe(rt.n8n);
		if (rt.node) {
			expect(pkg.dependencies.node).toBe(rt.node);
			expect(lock.packages['node_modules/node'].version).toBe(rt.node);
		} else {
			expect(pkg.dependencies.node).toBeUndefined();
		}
	});

	it('has a lock whose root asks for exactly what package.json asks for (npm ci refuses anything else)', () => {
		expect(lock.lockfileVersion).toBe(3);
		expect(lock.packages[''].dependencies).toEqual(pkg.dependencies);
	});

	it('locks every package with an integrity hash and no download address outside the npm registry', () => {
		const entries = Object.entries(lock.packages as Record<string, Record<string, unknown>>).filter(
			([key, entry]) => key !== '' && !entry.link,
		);
		expect(entries.length).toBeGreaterThan(1000);
		const foreign = entries.filter(
			([, entry]) => typeof entry.resolved === 'string' && !entry.resolved.startsWith('https://registry.npmjs.org/'),
		);
		expect(foreign.map(([key]) => key)).toEqual([]);
		const unhashed = entries.filter(([, entry]) => typeof entry.integrity !== 'string');
		expect(unhashed.map(([key]) => key)).toEqual([]);
	});
});
