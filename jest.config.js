/** @type {import('jest').Config} */
module.exports = {
	preset: 'ts-jest',
	testEnvironment: 'node',
	roots: ['<rootDir>/test'],
	testMatch: ['**/*.test.ts'],
	// the end-to-end tests need a real n8n: `npm run test:e2e` (scripts/e2e.js) runs them
	testPathIgnorePatterns: ['/node_modules/', '<rootDir>/test/e2e/'],
	setupFiles: ['<rootDir>/test/support/env.ts'],
	globalSetup: '<rootDir>/test/support/global-setup.js',
	globalTeardown: '<rootDir>/test/support/global-teardown.js',
	// every emulator answer is checked against the response definitions of the requested version
	setupFilesAfterEnv: ['<rootDir>/test/support/response-guard.ts'],
	transform: {
		'^.+\\.ts$': ['ts-jest', { tsconfig: '<rootDir>/tsconfig.json' }],
	},
	testTimeout: 20000,
};
