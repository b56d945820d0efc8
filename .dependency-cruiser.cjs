/**
 * The boundaries of docs/architecture.md, checked on every `npm test` (`npm run lint:arch`).
 * Each rule has a fixture under test/architecture/fixtures that breaks it, and
 * test/architecture/dependency-rules.spec.ts proves the rule catches it.
 */
const participants = '^apps/(order|credit|payment)/';

module.exports = {
  forbidden: [
    {
      name: 'apps-are-independent',
      comment: 'Apps never import each other; they share only contracts in libs/contracts.',
      severity: 'error',
      from: { path: '^apps/([^/]+)/' },
      to: { path: '^apps/([^/]+)/', pathNot: '^apps/$1/' },
    },
    {
      name: 'libs-never-import-apps',
      severity: 'error',
      from: { path: '^libs/' },
      to: { path: '^apps/' },
    },
    {
      name: 'participants-know-no-sagas',
      comment:
        'order, credit and payment handle commands; they do not know they are in a saga, not even through another lib.',
      severity: 'error',
      from: { path: participants },
      to: { path: '^libs/saga/', reachable: true },
    },
    {
      name: 'libs-only-through-their-index',
      comment:
        "Import a lib as @app/<lib>: its src/index.ts is its only public face, for apps, tests and other libs alike (and src/testing.ts, @app/<lib>/testing, its test helpers'); a lib's own files and tests import each other freely.",
      severity: 'error',
      from: { path: '^((?:libs|apps)/[^/]+|test|chaos|bench)/' },
      to: {
        path: '^libs/[^/]+/src/',
        pathNot: ['^$1/', '^libs/[^/]+/src/(index|testing)\\.m?[jt]s$'],
      },
    },
    {
      name: 'production-code-imports-no-test-helpers',
      comment:
        "A lib's test helpers (src/testing.ts, @app/<lib>/testing) serve tests only: in an app or a lib, only specs, testbeds and the test/ folders import them, so a harness never ships in a build.",
      severity: 'error',
      from: {
        path: '^(apps|libs)/',
        pathNot: [
          '\\.(spec|int-spec|e2e-spec|testbed)\\.m?[jt]s$',
          '^(apps|libs)/[^/]+/test/',
          '^libs/[^/]+/src/testing(\\.m?[jt]s$|/)',
        ],
      },
      to: { path: '^libs/[^/]+/src/testing(\\.m?[jt]s$|/)' },
    },
    {
      name: 'gateway-owns-no-database',
      comment: 'The gateway reaches no database driver or ORM, not even through a lib.',
      severity: 'error',
      from: { path: '^apps/gateway/' },
      to: {
        path: '(^libs/persistence/|^node_modules/(typeorm|pg|@nestjs/typeorm)/)',
        reachable: true,
      },
    },
    {
      name: 'gateway-sends-no-messages',
      comment: 'The gateway talks HTTP only: it reaches no broker client, not even through a lib.',
      severity: 'error',
      from: { path: '^apps/gateway/' },
      to: { path: '(^libs/messaging/|^node_modules/amqplib/)', reachable: true },
    },
    {
      name: 'no-cycles',
      severity: 'error',
      from: {},
      to: { circular: true },
    },
    {
      name: 'no-unresolvable-imports',
      severity: 'error',
      from: {},
      to: { couldNotResolve: true },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    // Broken on purpose, and cruised on their own by their spec.
    exclude: { path: '^test/architecture/fixtures/' },
    tsConfig: { fileName: 'tsconfig.json' },
    tsPreCompilationDeps: true,
    enhancedResolveOptions: {
      exportsFields: ['exports'],
      conditionNames: ['import', 'require', 'node', 'default', 'types'],
    },
  },
};
