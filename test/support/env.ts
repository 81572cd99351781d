// Runs before every test file: keep n8n from writing to the home folder, keep it quiet,
// and make sure loopback requests never go through an inherited proxy.
import * as os from 'os';
import * as path from 'path';
import * as fs from 'fs';

const userFolder = fs.mkdtempSync(path.join(os.tmpdir(), 'azdc-n8n-'));
process.env.N8N_USER_FOLDER = userFolder;
process.env.N8N_LOG_LEVEL = 'silent';
process.env.N8N_SSRF_PROTECTION_ENABLED = 'false';
process.env.N8N_DIAGNOSTICS_ENABLED = 'false';
for (const key of ['NO_PROXY', 'no_proxy']) {
	const current = process.env[key];
	process.env[key] = current ? `${current},127.0.0.1,localhost` : '127.0.0.1,localhost';
}
