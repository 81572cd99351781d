// Builds the floor package into a folder n8n can load as a community package (transpiled, no type check: the sources
// are type-checked with the rest of the repository by tsc -p tsconfig.json).
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as ts from 'typescript';

export const FLOOR_PACKAGE = 'n8n-nodes-bench-floor';

/** Writes package.json and dist/*.js of the floor package into `outDir`; returns `outDir`. */
export function buildFloorPackage(outDir: string): string {
	const dist = path.join(outDir, 'dist');
	fs.mkdirSync(dist, { recursive: true });
	fs.copyFileSync(path.join(__dirname, 'package.json'), path.join(outDir, 'package.json'));
	for (const file of fs.readdirSync(__dirname)) {
		if (!file.endsWith('.ts') || file === 'build.ts') continue;
		const source = fs.readFileSync(path.join(__dirname, file), 'utf8');
		const { outputText } = ts.transpileModule(source, {
			compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022, esModuleInterop: true },
			fileName: file,
		});
		fs.writeFileSync(path.join(dist, file.replace(/\.ts$/, '.js')), outputText);
	}
	return outDir;
}
