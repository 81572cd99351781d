// The emulator must check requests against Microsoft's descriptions even in a clone without ../shared.
import * as fs from 'fs';
import * as path from 'path';
import { resolveOpenApiDir, SpecBook } from './spec';
import { startEmulator, FABRIKAM_TOKEN } from './index';
import { call } from './support';

const BUNDLED = path.join(__dirname, 'openapi');
const SHARED = path.resolve(__dirname, '..', '..', '..', 'shared', 'azure-devops', 'openapi');

describe('API descriptions', () => {
	const saved = process.env.AZDO_OPENAPI_DIR;
	afterEach(() => {
		if (saved === undefined) delete process.env.AZDO_OPENAPI_DIR;
		else process.env.AZDO_OPENAPI_DIR = saved;
	});

	it('honours AZDO_OPENAPI_DIR and ignores a folder without the descriptions', () => {
		process.env.AZDO_OPENAPI_DIR = BUNDLED;
		expect(resolveOpenApiDir()).toBe(BUNDLED);
		process.env.AZDO_OPENAPI_DIR = path.join(__dirname, 'no-such-folder');
		expect([SHARED, BUNDLED]).toContain(resolveOpenApiDir());
	});

	it('checks requests with the bundled copy alone', async () => {
		const book = new SpecBook(BUNDLED);
		const found = book.match('services', 'POST', ['wit', 'workitems', '$Task'], true, false);
		expect(found?.op.operationId).toBe('Work Items_Create');
		expect(found?.op.consumes).toEqual(['application/json-patch+json']);
		expect(found?.params).toEqual({ type: 'Task' });
		const emu = await startEmulator({ openApiDir: BUNDLED });
		try {
			const res = await call('POST', `${emu.url}/fabrikam/Fabrikam%20Fiber/_apis/wit/workitems/$Task?api-version=7.1`, {
				token: FABRIKAM_TOKEN,
				contentType: 'text/plain',
				body: '[]',
			});
			expect(res.status).toBe(415);
			expect(emu.specViolations()).toHaveLength(1);
		} finally {
			await emu.stop();
		}
	});

	it('keeps the bundled copies byte-identical to the shared originals', () => {
		if (!fs.existsSync(SHARED)) return;
		for (const f of ['wit-7.1/workItemTracking.json', 'hooks-7.1/serviceHooks.json', 'wit-azure-devops-server-7.1.json', 'LICENSE']) {
			expect(fs.readFileSync(path.join(BUNDLED, f)).equals(fs.readFileSync(path.join(SHARED, f)))).toBe(true);
		}
	});
});
