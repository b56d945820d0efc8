import type { AnySagaDefinition } from './saga-definition.js';

/** Every definition the orchestrator knows, by name and version: an instance keeps its version. */
export class SagaRegistry {
  private readonly definitions = new Map<string, AnySagaDefinition>();

  constructor(definitions: readonly AnySagaDefinition[]) {
    for (const definition of definitions) {
      const key = keyOf(definition.name, definition.version);
      if (this.definitions.has(key)) throw new Error(`Saga ${key} is defined twice`);
      this.definitions.set(key, definition);
    }
  }

  get(name: string, version: number): AnySagaDefinition {
    const definition = this.definitions.get(keyOf(name, version));
    if (!definition) throw new Error(`Saga ${keyOf(name, version)} is not registered`);
    return definition;
  }

  /** The newest version of a saga: what a new instance starts on. */
  latest(name: string): AnySagaDefinition {
    let newest: AnySagaDefinition | undefined;
    for (const definition of this.definitions.values()) {
      if (definition.name === name && (!newest || definition.version > newest.version)) {
        newest = definition;
      }
    }
    if (!newest) throw new Error(`Saga ${name} is not registered`);
    return newest;
  }

  /** The registered definition of that name and version, if any. */
  find(name: string, version: number): AnySagaDefinition | undefined {
    return this.definitions.get(keyOf(name, version));
  }

  has(definition: AnySagaDefinition): boolean {
    return this.definitions.get(keyOf(definition.name, definition.version)) === definition;
  }

  /** Every registered version as `<name>@v<version>`, as the deadline scan selects them. */
  keys(): string[] {
    return [...this.definitions.keys()];
  }

  all(): AnySagaDefinition[] {
    return [...this.definitions.values()];
  }
}

function keyOf(name: string, version: number): string {
  return `${name}@v${version}`;
}
