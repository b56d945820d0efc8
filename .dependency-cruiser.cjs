/** The architecture rules of STYLE.md, checked on every `npm test`. */
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
      comment: 'order, credit and payment handle commands; they do not know they are in a saga.',
      severity: 'error',
      from: { path: participants },
      to: { path: '^libs/saga/' },
    },
    {
      name: 'libs-only-through-their-index',
      comment: 'Import a lib as @app/<lib>: its src/index.ts is its only public face.',
      severity: 'error',
      from: { pathNot: '^libs/([^/]+)/' },
      to: { path: '^libs/[^/]+/src/', pathNot: '^libs/[^/]+/src/index\\.ts$' },
    },
    {
      name: 'gateway-owns-no-database',
      severity: 'error',
      from: { path: '^apps/gateway/' },
      to: { path: '(^libs/persistence/|^node_modules/(typeorm|pg|@nestjs/typeorm)/)' },
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
    tsConfig: { fileName: 'tsconfig.json' },
    tsPreCompilationDeps: true,
    enhancedResolveOptions: {
      exportsFields: ['exports'],
      conditionNames: ['import', 'require', 'node', 'default', 'types'],
    },
  },
};
