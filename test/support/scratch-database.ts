import pg from 'pg';

/** The superuser's connection, for creating and dropping what tests leave behind. */
export const POSTGRES_ADMIN_URL = 'postgres://postgres@127.0.0.1:5432/postgres';

/** A database of a suite's own on the real PostgreSQL; an app's migrations create its schema. */
export class ScratchDatabase {
  constructor(readonly name: string) {}

  /** Where `role` connects to this database. */
  urlFor(role: string): string {
    return `postgres://${role}@127.0.0.1:5432/${this.name}`;
  }

  /** The superuser's connection to this database, to look behind an app's back. */
  get adminUrl(): string {
    return this.urlFor('postgres');
  }

  /** Drops the database, ending any connection still open to it. */
  async drop(): Promise<void> {
    const admin = new pg.Client({ connectionString: POSTGRES_ADMIN_URL });
    await admin.connect();
    try {
      await admin.query(
        `DROP DATABASE IF EXISTS ${admin.escapeIdentifier(this.name)} WITH (FORCE)`,
      );
    } finally {
      await admin.end();
    }
  }
}
