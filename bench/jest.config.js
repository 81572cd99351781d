/** Benchmarks run through jest only to reuse ts-jest and the test harness; they print figures and assert nothing
 * about time, so a slow machine can never fail them. */
/** @type {import('jest').Config} */
module.exports = {
	rootDir: '..',
	preset: 'ts-jest',
	testEnvironment: 'node',
	roots: ['<rootDir>/bench'],
	testMatch: ['**/*.bench.ts'],
	setupFiles: ['<rootDir>/test/support/env.ts'],
	globalSetup: '<rootDir>/test/support/global-setup.js',
	globalTeardown: '<rootDir>/test/support/global-teardown.js',
	transform: { '^.+\\.ts$': ['ts-jest', { tsconfig: '<rootDir>/tsconfig.json' }] },
	testTimeout: 600000,
};
