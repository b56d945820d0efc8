/** Three tiers: fast unit specs beside the code, integration suites against the real PostgreSQL
 * and RabbitMQ, and system suites that run the built apps as processes. */
const swc = [
  '@swc/jest',
  {
    jsc: {
      parser: { syntax: 'typescript', decorators: true },
      transform: { legacyDecorator: true, decoratorMetadata: true },
      target: 'es2022',
    },
    module: { type: 'es6' },
  },
];

const libs = [
  'config',
  'contracts',
  'discovery',
  'health',
  'identity',
  'logging',
  'messaging',
  'metrics',
  'participant',
  'persistence',
  'runtime',
  'saga',
  'tracing',
  'validation',
];

const shared = {
  extensionsToTreatAsEsm: ['.ts'],
  transform: { '^.+\\.ts$': swc },
  moduleNameMapper: {
    ...Object.fromEntries(
      libs.map((lib) => [`^@app/${lib}$`, `<rootDir>/libs/${lib}/src/index.ts`]),
    ),
    // Test helpers kept out of a lib's production face (see libs/saga/src/testing.ts).
    '^@app/(saga|messaging)/testing$': '<rootDir>/libs/$1/src/testing.ts',
    '^(\\.{1,2}/.*)\\.js$': '$1',
  },
  testEnvironment: 'node',
};

export default {
  projects: [
    {
      ...shared,
      displayName: 'unit',
      testMatch: [
        '<rootDir>/{apps,libs}/**/*.spec.ts',
        '<rootDir>/test/deploy/**/*.spec.ts',
        '<rootDir>/test/architecture/**/*.spec.ts',
        '<rootDir>/chaos/**/*.spec.mjs',
        '<rootDir>/bench/**/*.spec.mjs',
      ],
    },
    {
      ...shared,
      displayName: 'integration',
      testMatch: ['<rootDir>/{apps,libs}/*/test/**/*.int-spec.ts'],
    },
    { ...shared, displayName: 'e2e', testMatch: ['<rootDir>/test/**/*.e2e-spec.ts'] },
  ],
};
