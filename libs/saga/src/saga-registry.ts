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

  has(definition: AnySagaDefinition): boolean {
    return this.definitions.get(keyOf(definition.name, definition.version)) === definition;
  }

  all(): AnySagaDefinition[] {
    return [...this.definitions.values()];
  }
}

function keyOf(name: string, version: number): string {
  return `${name}@v${version}`;
}
