/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  transform: { '^.+\\.ts$': ['ts-jest', { isolatedModules: true }] },
  // Starts Azurite and creates the emulator's TLS certificate before any test process exists.
  globalSetup: '<rootDir>/test/support/globalSetup.ts',
  globalTeardown: '<rootDir>/test/support/globalTeardown.ts',
  // NODE_EXTRA_CA_CERTS is read only when a Node process starts, so the tests must run in worker
  // processes spawned after globalSetup has set it. A memory limit makes Jest always use workers.
  workerIdleMemoryLimit: '1GB',
  testTimeout: 60000,
};
