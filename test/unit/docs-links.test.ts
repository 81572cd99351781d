// The documentation a user follows: every relative link in the README, CONTRIBUTING, docs/ and bench/ leads to a file
// that exists, and every #anchor to a heading that exists there (GitHub's heading slugs).
import * as fs from 'fs';
import * as path from 'path';

const ROOT = path.join(__dirname, '..', '..');
const PAGES = [
	'README.md',
	'CONTRIBUTING.md',
	'CHANGELOG.md',
	'bench/README.md',
	...fs
		.readdirSync(path.join(ROOT, 'docs'))
		.filter((file) => file.endsWith('.md'))
		.map((file) => `docs/${file}`),
];

/** GitHub's anchor for a heading: lower case, punctuation dropped (hyphens kept), spaces to hyphens. */
export function slugOf(heading: string): string {
	return heading
		.trim()
		.toLowerCase()
		.replace(/`/g, '')
		.replace(/[^\p{L}\p{N}\s_-]/gu, '')
		.replace(/\s/g, '-');
}

function filesBelow(dir: string): string[] {
	return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
		entry.isDirectory() ? filesBelow(path.join(dir, entry.name)) : [path.join(dir, entry.name)],
	);
}

function anchorsOf(file: string): Set<string> {
	const text = fs.readFileSync(file, 'utf8').replace(/```[\s\S]*?```/g, '');
	const anchors = new Set<string>();
	const seen = new Map<string, number>();
	for (const match of text.matchAll(/^#{1,6}\s+(.+?)\s*#*\s*$/gm)) {
		const base = slugOf(match[1]);
		const count = seen.get(base) ?? 0;
		seen.set(base, count + 1);
		anchors.add(count === 0 ? base : `${base}-${count}`);
	}
	return anchors;
}

/** Relative links of a Markdown page (not http(s), not mailto), outside code blocks and inline code. */
function linksOf(file: string): string[] {
	const text = fs
		.readFileSync(file, 'utf8')
		.replace(/```[\s\S]*?```/g, '')
		.replace(/`[^`\n]*`/g, '');
	return [...text.matchAll(/\]\(([^)\s]+)(?:\s+"[^"]*")?\)/g)].map((match) => match[1]).filter((href) => !/^[a-z][a-z0-9+.-]*:/i.test(href));
}

describe('the documentation links', () => {
	it('the README stays a first screen: at most about 300 lines', () => {
		expect(fs.readFileSync(path.join(ROOT, 'README.md'), 'utf8').split('\n').length).toBeLessThanOrEqual(300);
	});

	it.each(PAGES)('%s: every relative link and anchor resolves', (page) => {
		const from = path.join(ROOT, page);
		const broken: string[] = [];
		for (const href of linksOf(from)) {
			const [target, anchor] = href.split('#');
			const file = target === '' ? from : path.resolve(path.dirname(from), decodeURIComponent(target));
			if (!fs.existsSync(file)) {
				broken.push(`${href}: no such file`);
				continue;
			}
			if (anchor !== undefined && anchor !== '' && file.endsWith('.md') && !anchorsOf(file).has(anchor)) {
				broken.push(`${href}: no heading with that anchor`);
			}
		}
		expect(broken).toEqual([]);
	});

	it('the documentation links the nodes and credentials show in n8n lead to a page and heading that exist', () => {
		const REPO = 'https://github.com/n8n-nodes-azure-devops-connector/n8n-nodes-azure-devops-connector';
		const sources = ['credentials', 'nodes'].flatMap((dir) => filesBelow(path.join(ROOT, dir))).filter((file) => /\.(ts|json)$/.test(file));
		const broken: string[] = [];
		let checked = 0;
		for (const file of sources) {
			for (const match of fs.readFileSync(file, 'utf8').matchAll(/https:\/\/github\.com\/n8n-nodes-azure-devops-connector\/n8n-nodes-azure-devops-connector([^'"\s`]*)/g)) {
				checked++;
				const [where, anchor] = match[1].split('#');
				const page = where === '' ? 'README.md' : where.replace(/^\/blob\/main\//, '');
				const target = path.join(ROOT, page);
				if (!fs.existsSync(target)) broken.push(`${REPO}${match[1]}: no such page`);
				// "#readme" is GitHub's own anchor for the README shown on the repository page
				else if (anchor && anchor !== 'readme' && !anchorsOf(target).has(anchor)) broken.push(`${REPO}${match[1]}: no such heading`);
			}
		}
		expect(checked).toBeGreaterThan(0);
		expect(broken).toEqual([]);
	});

	it('slugs follow GitHub', () => {
		expect(slugOf('Try it: `npm start`')).toBe('try-it-npm-start');
		expect(slugOf("Scaling: n8n's queue mode")).toBe('scaling-n8ns-queue-mode');
		expect(slugOf('Resource details to send: All, Minimal, None')).toBe('resource-details-to-send-all-minimal-none');
	});
});
